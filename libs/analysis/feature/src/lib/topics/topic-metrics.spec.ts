import { evaluateTopics } from './topic-metrics';

describe(evaluateTopics.name, () => {
  it('computes accuracy, per-topic precision/recall/F1, macro-F1 and confusions', () => {
    const gold = ['a', 'a', 'a', 'b', 'b', 'c'];
    const predicted = ['a', 'a', 'b', 'b', 'general', 'a'];
    const sut = evaluateTopics(gold, predicted);
    expect(sut.items).toBe(6);
    expect(sut.accuracy).toBeCloseTo(3 / 6);
    const byTopic = Object.fromEntries(sut.perTopic.map((t) => [t.topic, t]));
    expect(byTopic['a']).toMatchObject({ support: 3, precision: 2 / 3, recall: 2 / 3 });
    expect(byTopic['b']).toMatchObject({ support: 2, precision: 1 / 2, recall: 1 / 2 });
    expect(byTopic['c']).toMatchObject({ support: 1, precision: 0, recall: 0, f1: 0 });
    expect(sut.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3);
    expect(sut.confusions).toEqual([
      { gold: 'a', predicted: 'b', count: 1 },
      { gold: 'b', predicted: 'general', count: 1 },
      { gold: 'c', predicted: 'a', count: 1 },
    ]);
  });

  it('is perfect for perfect predictions and empty for no items', () => {
    expect(evaluateTopics(['x', 'y'], ['x', 'y'])).toMatchObject({ accuracy: 1, macroF1: 1, confusions: [] });
    expect(evaluateTopics([], [])).toMatchObject({ items: 0, accuracy: 0, macroF1: 0 });
  });

  it('refuses predictions that do not match the gold labels one to one', () => {
    expect(() => evaluateTopics(['a'], [])).toThrow('1 gold labels but 0 predictions');
  });
});
