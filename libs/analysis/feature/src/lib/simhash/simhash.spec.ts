import { fnv1a64, hammingDistance64, simhash64 } from './simhash';

const words = (text: string) => text.toLowerCase().split(/\s+/).filter(Boolean);

describe(simhash64.name, () => {
  const article =
    'The central bank raised interest rates by a quarter point on Wednesday, citing persistent inflation ' +
    'in services and a labour market that remains tight, and signalled that further increases were possible ' +
    'if price pressures did not ease over the coming months according to the statement';

  it('returns 16 hex digits and is deterministic', () => {
    const sut = simhash64(words(article));
    expect(sut).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash64(words(article))).toBe(sut);
  });

  it('keeps near-duplicates close and unrelated texts far apart', () => {
    const original = simhash64(words(article));
    const edited = simhash64(words(article.replace('Wednesday', 'Thursday')));
    const unrelated = simhash64(
      words(
        'The home team won the championship final after a dramatic penalty shootout in front of a sold out ' +
          'stadium while fans celebrated late into the night across the city streets and squares waving flags',
      ),
    );
    expect(hammingDistance64(original, edited)).toBeLessThanOrEqual(10);
    expect(hammingDistance64(original, unrelated)).toBeGreaterThan(18);
  });

  it('gives all zeros for no words and handles texts shorter than a shingle', () => {
    expect(simhash64([])).toBe('0000000000000000');
    expect(simhash64(['hello'])).toMatch(/^[0-9a-f]{16}$/);
    expect(simhash64(['hello'])).not.toBe('0000000000000000');
  });
});

describe(fnv1a64.name, () => {
  it('matches the published FNV-1a 64 test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });
});

describe(hammingDistance64.name, () => {
  it('counts differing bits', () => {
    expect(hammingDistance64('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance64('00000000000000f0', '0000000000000010')).toBe(3);
  });
});
