import { leadExcerpt, marksToHtml, MARK_END, MARK_START, SearchSegmenter } from './search-segmenter';

const mark = (text: string) => `${MARK_START}${text}${MARK_END}`;

describe(SearchSegmenter.name, () => {
  const sut = new SearchSegmenter();

  it('indexes lowercase words and every dictionary word inside a Chinese compound', () => {
    const words = sut.document('Apple M5 chip: 中国足球队获胜').split(' ');

    expect(words).toEqual(expect.arrayContaining(['apple', 'm5', 'chip', '中国', '足球', '球队', '足球队', '中国足球队', '获胜']));
    expect(words).not.toContain(':');
  });

  it('cuts queries precisely and drops overlong tokens', () => {
    expect(sut.tokens('中国足球队 Processor', 'query')).toEqual([
      { text: '中国足球队', cjk: true },
      { text: 'processor', cjk: false },
    ]);
    expect(sut.tokens('x'.repeat(65), 'query')).toEqual([]);
  });
});

describe(marksToHtml.name, () => {
  it('escapes HTML and merges adjacent marks', () => {
    expect(marksToHtml(`中国${mark('足')}${mark('球')}队 <b>&`, ['足球'])).toBe('中国<mark>足球</mark>队 &#60;b&#62;&#38;');
    expect(marksToHtml(`a ${mark('local')} ${mark('models')} run`)).toBe('a <mark>local models</mark> run');
  });

  it('drops marks on Chinese characters that are not a query word', () => {
    expect(marksToHtml(`${mark('球')}迷们`, ['足球'])).toBe('球迷们');
  });
});

describe(leadExcerpt.name, () => {
  it('keeps the first words, escaped, and says when it cut', () => {
    const text = Array.from({ length: 50 }, (_, i) => `w${i}`).join('  \n ');
    expect(leadExcerpt(text)).toBe(`${Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ')} …`);
    expect(leadExcerpt('Short <b>bold</b> & text')).toBe('Short &#60;b&#62;bold&#60;/b&#62; &#38; text');
  });

  it('counts characters in Chinese text and drops mark sentinels', () => {
    expect(leadExcerpt('中'.repeat(100))).toBe(`${'中'.repeat(80)} …`);
    expect(leadExcerpt(`a${MARK_START}b${MARK_END}c`)).toBe('abc');
  });
});
