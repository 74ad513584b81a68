import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface PairSet {
  name: string;
  license: string;
  pairs: unknown[];
}

const set = JSON.parse(readFileSync(join(__dirname, 'data', 'similarity-zh.json'), 'utf8')) as PairSet;
const HAN = /\p{Script=Han}/u;

describe('similarity-zh.json', () => {
  it('is the CC0 Chinese set with 100–150 pairs of two Chinese texts and an integer grade 0–4', () => {
    expect(set.name).toBe('similarity-zh');
    expect(set.license).toBe('CC0-1.0');
    expect(set.pairs.length).toBeGreaterThanOrEqual(100);
    expect(set.pairs.length).toBeLessThanOrEqual(150);
    const malformed = set.pairs.filter(
      (p) =>
        !Array.isArray(p) ||
        p.length !== 3 ||
        typeof p[0] !== 'string' ||
        typeof p[1] !== 'string' ||
        !HAN.test(p[0]) ||
        !HAN.test(p[1]) ||
        p[0] === p[1] ||
        !Number.isInteger(p[2]) ||
        (p[2] as number) < 0 ||
        (p[2] as number) > 4,
    );
    expect(malformed).toEqual([]);
  });

  it('grades each unordered pair once and has every grade, similar pairs being 30–50%', () => {
    const pairs = set.pairs as [string, string, number][];
    const keys = pairs.map(([a, b]) => [a, b].sort().join('\u0000'));
    expect(new Set(keys).size).toBe(pairs.length);
    expect(new Set(pairs.map(([, , g]) => g))).toEqual(new Set([0, 1, 2, 3, 4]));
    const similar = pairs.filter(([, , g]) => g >= 3).length / pairs.length;
    expect(similar).toBeGreaterThan(0.3);
    expect(similar).toBeLessThan(0.5);
  });
});
