import { parseReferenceSummaries, readReferenceSummaries } from './summary-dataset';
import { splitSentences } from '../text/sentence-splitter';

const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ id: 'a', lang: 'en', topic: 't', title: 'T', text: 'One. Two.', reference: 'One.', ...fields });

describe(parseReferenceSummaries.name, () => {
  it('parses lines and skips blank ones', () => {
    const sut = parseReferenceSummaries(`${line({})}\n\n${line({ id: 'b', lang: 'zh' })}\n`);
    expect(sut.map((s) => [s.id, s.lang])).toEqual([
      ['a', 'en'],
      ['b', 'zh'],
    ]);
  });

  it('names the line of a bad item', () => {
    expect(() => parseReferenceSummaries(`${line({})}\n{oops`)).toThrow('line 2: not JSON');
    expect(() => parseReferenceSummaries(line({ reference: '' }))).toThrow('line 1: reference must be a non-empty string');
    expect(() => parseReferenceSummaries(line({ title: 3 }))).toThrow('line 1: title must be a non-empty string');
    expect(() => parseReferenceSummaries(line({ lang: 'fr' }))).toThrow('line 1: lang must be "en" or "zh", got "fr"');
    expect(() => parseReferenceSummaries(`${line({})}\n${line({})}`)).toThrow('line 2: id a repeats an earlier line');
  });
});

describe(readReferenceSummaries.name, () => {
  const sut = readReferenceSummaries();

  it('ships English and Chinese articles long enough to summarise, some topics with several stories', () => {
    expect(sut.filter((s) => s.lang === 'en').length).toBeGreaterThanOrEqual(25);
    expect(sut.filter((s) => s.lang === 'zh').length).toBeGreaterThanOrEqual(10);
    for (const item of sut) expect(splitSentences(item.text).length).toBeGreaterThan(5);
    const perTopic = new Map<string, number>();
    for (const item of sut) perTopic.set(`${item.lang}:${item.topic}`, (perTopic.get(`${item.lang}:${item.topic}`) ?? 0) + 1);
    expect([...perTopic.values()].filter((n) => n >= 2).length).toBeGreaterThanOrEqual(4);
  });
});
