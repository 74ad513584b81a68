import { HELD_OUT_PERCENT, isHeldOut, parseLabelledTexts, readTopicDataset, splitLabelledTexts } from './topic-dataset';
import { TOPICS } from './topic-taxonomy';

describe(parseLabelledTexts.name, () => {
  it('parses JSON lines and skips blank lines', () => {
    const sut = parseLabelledTexts('{"text":"Rocket launched","lang":"en","topic":"space"}\n\n{"text":"火箭发射","lang":"zh","topic":"space"}\n');
    expect(sut).toEqual([
      { text: 'Rocket launched', lang: 'en', topic: 'space' },
      { text: '火箭发射', lang: 'zh', topic: 'space' },
    ]);
  });

  it.each([
    ['{"text":', 'line 1: not JSON'],
    ['null', 'line 1: text must be a non-empty string'],
    ['{"text":" ","lang":"en","topic":"space"}', 'line 1: text must be a non-empty string'],
    ['{"text":"x","lang":"fr","topic":"space"}', 'line 1: lang must be "en" or "zh", got "fr"'],
    ['{"text":"x","lang":"en","topic":"gossip"}', 'line 1: unknown topic "gossip"'],
  ])('refuses %s', (line, message) => {
    expect(() => parseLabelledTexts(line)).toThrow(message);
  });
});

describe(splitLabelledTexts.name, () => {
  const dataset = readTopicDataset();

  it('ships at least 30 English and 20 Chinese texts for every topic, none repeated', () => {
    for (const topic of TOPICS) {
      expect(dataset.filter((t) => t.topic === topic.id && t.lang === 'en').length).toBeGreaterThanOrEqual(30);
      expect(dataset.filter((t) => t.topic === topic.id && t.lang === 'zh').length).toBeGreaterThanOrEqual(20);
    }
    expect(new Set(dataset.map((t) => t.text)).size).toBe(dataset.length);
  });

  it('holds out about 30% by a hash of the text, the same way every time and in any order', () => {
    const sut = splitLabelledTexts(dataset);
    expect(sut.train.length + sut.heldOut.length).toBe(dataset.length);
    expect(sut.heldOut.length / dataset.length).toBeGreaterThan(HELD_OUT_PERCENT / 100 - 0.05);
    expect(sut.heldOut.length / dataset.length).toBeLessThan(HELD_OUT_PERCENT / 100 + 0.05);
    expect(splitLabelledTexts([...dataset].reverse()).heldOut.map((t) => t.text).sort()).toEqual(sut.heldOut.map((t) => t.text).sort());
    expect(sut.heldOut.every((t) => isHeldOut(t.text))).toBe(true);
    expect(sut.train.some((t) => isHeldOut(t.text))).toBe(false);
  });
});
