import { l2Normalize, poolHiddenStates } from './pooling';

describe(poolHiddenStates.name, () => {
  // batch 2, sequence 3, hidden 2
  const data = new Float32Array([1, 2, 3, 4, 100, 100, 5, 6, 7, 8, 9, 10]);

  it('averages only the masked positions (padding excluded)', () => {
    const [a, b] = poolHiddenStates(data, [2, 3, 2], [[1, 1], [1, 1, 1]], 'mean', false);
    expect(Array.from(a as Float32Array)).toEqual([2, 3]);
    expect(Array.from(b as Float32Array)).toEqual([7, 8]);
  });

  it('takes the first position for CLS pooling and L2-normalises on request', () => {
    const [a] = poolHiddenStates(data, [2, 3, 2], [[1], [1]], 'cls', true);
    expect(a?.[0]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(a?.[1]).toBeCloseTo(2 / Math.sqrt(5), 6);
  });

  it('refuses an output that is not [batch, sequence, hidden]', () => {
    expect(() => poolHiddenStates(data, [2, 6], [[1], [1]], 'mean', true)).toThrow(/expected a \[batch, sequence, hidden\] output/);
    expect(() => poolHiddenStates(data, [2, 3, 2], [[1]], 'mean', true)).toThrow('1 masks for a batch of 2');
  });

  it('leaves a zero vector at zero', () => {
    expect(Array.from(l2Normalize(new Float32Array([0, 0])))).toEqual([0, 0]);
  });
});
