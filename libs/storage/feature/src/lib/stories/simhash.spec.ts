import { ErrorCode } from '@autoglm/shared-errors';
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE, parseSimhash, SIMHASH_BAND_WIDTHS, SIMHASH_BANDS, simhashBands, simhashSimilarity } from './simhash';

describe(parseSimhash.name, () => {
  it('reads 16 hex digits in either case', () => {
    expect(parseSimhash('a1B2c3d4e5f60718')).toBe(0xa1b2c3d4e5f60718n);
  });

  it.each(['', '   ', '0000000000000000'])('has no fingerprint for %p', (hex) => {
    expect(parseSimhash(hex)).toBeUndefined();
  });

  it.each(['abc', 'a1b2c3d4e5f607180', 'g1b2c3d4e5f60718', '0x1b2c3d4e5f6071'])('rejects %p with INVALID_ARGUMENT', (hex) => {
    expect(() => parseSimhash(hex)).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument }));
  });
});

describe(simhashBands.name, () => {
  it('cuts the 64 bits into one band more than the near-duplicate distance, the wider bands first', () => {
    expect(SIMHASH_BANDS).toBe(NEAR_DUPLICATE_MAX_DISTANCE + 1);
    expect(SIMHASH_BAND_WIDTHS.reduce((a, b) => a + b, 0)).toBe(64);
    expect(Math.max(...SIMHASH_BAND_WIDTHS) - Math.min(...SIMHASH_BAND_WIDTHS)).toBeLessThanOrEqual(1);
    expect([...SIMHASH_BAND_WIDTHS]).toEqual([...SIMHASH_BAND_WIDTHS].sort((a, b) => b - a));
  });

  it('takes the most significant bits first, each band its own width', () => {
    // All ones gives each band's largest value; the lowest bit lands in the last band only.
    expect(simhashBands(0xffffffffffffffffn)).toEqual(SIMHASH_BAND_WIDTHS.map((w) => 2 ** w - 1));
    expect(simhashBands(0n)).toEqual(SIMHASH_BAND_WIDTHS.map(() => 0));
    expect(simhashBands(1n << 63n)[0]).toBe(2 ** ((SIMHASH_BAND_WIDTHS[0] as number) - 1));
    expect(simhashBands(1n).at(-1)).toBe(1);
    expect(simhashBands(1n).slice(0, -1).every((band) => band === 0)).toBe(true);
  });

  it('gives fingerprints within the near-duplicate distance at least one equal band, wherever the bits differ', () => {
    const a = 0xa1b2c3d4e5f60718n;
    // The worst case: one flipped bit in each of the first k bands; then k bits at (seeded) random places.
    let shift = 64;
    const firstBitOfBand = SIMHASH_BAND_WIDTHS.map((w) => (shift -= w) + w - 1);
    const worst = firstBitOfBand.slice(0, NEAR_DUPLICATE_MAX_DISTANCE).reduce((x, bit) => x ^ (1n << BigInt(bit)), a);
    const equalBands = (x: bigint, y: bigint) => simhashBands(x).filter((band, i) => band === simhashBands(y)[i]).length;

    expect(hammingDistance(a, worst)).toBe(NEAR_DUPLICATE_MAX_DISTANCE);
    expect(equalBands(a, worst)).toBe(1);
    let state = 12345;
    // A 32-bit LCG in integer arithmetic (Math.imul), its high bits as the bit index.
    const randomBit = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) >>> 26;
    for (let trial = 0; trial < 200; trial++) {
      const bits = new Set<number>();
      while (bits.size < NEAR_DUPLICATE_MAX_DISTANCE) bits.add(randomBit());
      const b = [...bits].reduce((x, bit) => x ^ (1n << BigInt(bit)), a);
      expect(equalBands(a, b)).toBeGreaterThanOrEqual(1);
    }
    // One more bit can leave no band equal: the index then needs no more than it finds.
    const beyond = worst ^ (1n << BigInt(firstBitOfBand[NEAR_DUPLICATE_MAX_DISTANCE] as number));
    expect(equalBands(a, beyond)).toBe(0);
  });
});

describe(hammingDistance.name, () => {
  it('counts differing bits', () => {
    expect(hammingDistance(0n, 0n)).toBe(0);
    expect(hammingDistance(0b1011n, 0b0001n)).toBe(2);
    expect(hammingDistance(0xffffffffffffffffn, 0n)).toBe(64);
  });
});

describe(simhashSimilarity.name, () => {
  it('is the share of equal bits', () => {
    expect(simhashSimilarity(0)).toBe(1);
    expect(simhashSimilarity(16)).toBe(0.75);
  });
});
