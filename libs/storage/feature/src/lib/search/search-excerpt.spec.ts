import { highlightExcerpt } from './search-excerpt';
import { MARK_END, MARK_START } from './search-segmenter';

const words = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `w${from + i}`).join(' ');

describe(highlightExcerpt.name, () => {
  it('marks whole words, case-insensitively, and escapes the rest', () => {
    expect(highlightExcerpt('The <b>Processor</b> & a processors list.', { words: ['processor'], cjkWords: [] })).toBe(
      'The &#60;b&#62;<mark>Processor</mark>&#60;/b&#62; &#38; a processors list',
    );
  });

  it('is empty when no query word occurs', () => {
    expect(highlightExcerpt('nothing to see here', { words: ['processor'], cjkWords: [] })).toBe('');
    expect(highlightExcerpt('', { words: ['processor'], cjkWords: [] })).toBe('');
  });

  it('merges adjacent marks of a phrase', () => {
    expect(highlightExcerpt('we run local models here', { words: ['local', 'models'], cjkWords: [] })).toBe('we run <mark>local models</mark> here');
  });

  it('keeps up to 40 words per fragment, from a few words before the match', () => {
    const text = `${words(0, 100)} needle ${words(100, 200)}`;
    const sut = highlightExcerpt(text, { words: ['needle'], cjkWords: [] });

    expect(sut).toBe(`${words(94, 100)} <mark>needle</mark> ${words(100, 133)}`);
    expect(sut.split(' ')).toHaveLength(40);
  });

  it('shows two fragments, the ones with the most distinct query words first chosen, in text order', () => {
    const text = `alpha ${words(0, 100)} beta gamma ${words(100, 200)} gamma ${words(200, 300)} alpha beta`;
    const sut = highlightExcerpt(text, { words: ['alpha', 'beta', 'gamma'], cjkWords: [] });
    const fragments = sut.split(' … ');

    expect(fragments).toHaveLength(2);
    expect(fragments[0]).toBe(`${words(94, 100)} <mark>beta gamma</mark> ${words(100, 132)}`);
    expect(fragments[1]).toBe(`${words(262, 300)} <mark>alpha beta</mark>`);
  });

  it('marks Chinese words where they occur, not their characters elsewhere', () => {
    const sut = highlightExcerpt('中国足球队在世界杯上获胜，球迷们很高兴。', { words: [], cjkWords: ['足球'] });

    expect(sut).toBe('中国<mark>足球</mark>队在世界杯上获胜，球迷们很高兴');
    // A Chinese character counts as a word: a fragment holds 40 characters.
    const long = `${'甲'.repeat(100)}足球${'乙'.repeat(100)}`;
    const fragment = highlightExcerpt(long, { words: [], cjkWords: ['足球'] });
    expect(fragment).toBe(`${'甲'.repeat(6)}<mark>足球</mark>${'乙'.repeat(32)}`);
  });

  it('mixes English and Chinese words', () => {
    expect(highlightExcerpt('Apple M5 芯片发布', { words: ['m5'], cjkWords: ['芯片'] })).toBe('Apple <mark>M5 芯片</mark>发布');
  });

  it('drops sentinel characters a text carries, so a text cannot forge marks', () => {
    const forged = `a ${MARK_START}forged${MARK_END} mark beside the quasar survey`;
    expect(highlightExcerpt(forged, { words: ['quasar'], cjkWords: [] })).toBe('a forged mark beside the <mark>quasar</mark> survey');
  });

  it('handles a long text with thousands of matches', () => {
    const text = Array.from({ length: 20_000 }, (_, i) => (i % 3 === 0 ? 'hit' : `w${i}`)).join(' ');
    const sut = highlightExcerpt(text, { words: ['hit'], cjkWords: [] });
    expect(sut.split(' … ')).toHaveLength(2);
  });
});
