import { ErrorCode } from '@autoglm/shared-errors';
import { hammingDistance, parseSimhash, simhashBands, simhashSimilarity } from './simhash';

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
  it('splits the fingerprint into four 16-bit bands, most significant first', () => {
    expect(simhashBands(0x0001_ffff_8000_1234n)).toEqual([0x0001, 0xffff, 0x8000, 0x1234]);
  });

  it('gives fingerprints within distance 3 at least one equal band', () => {
    const a = 0xa1b2c3d4e5f60718n;
    const b = a ^ (1n << 63n) ^ (1n << 40n) ^ (1n << 20n);
    const equal = simhashBands(a).filter((band, i) => band === simhashBands(b)[i]);

    expect(hammingDistance(a, b)).toBe(3);
    expect(equal.length).toBeGreaterThanOrEqual(1);
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
