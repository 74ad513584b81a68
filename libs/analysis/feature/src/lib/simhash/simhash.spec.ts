import { articleSimhash64, contentWords, featureHash64, fnv1a64, hammingDistance64, shingleFrequencies, simhash64, weightedSimhash64 } from './simhash';

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

describe(weightedSimhash64.name, () => {
  const hex = (h: bigint) => h.toString(16).padStart(16, '0');

  it("is a single feature's own hash, whatever its weight", () => {
    expect(weightedSimhash64(new Map([['bank', 1]]))).toBe(hex(featureHash64('bank')));
    expect(weightedSimhash64(new Map([['bank', 7.5]]))).toBe(hex(featureHash64('bank')));
    expect(weightedSimhash64(new Map([['bank', 1]]), fnv1a64)).toBe(hex(fnv1a64('bank')));
  });

  it('lets the heavier feature win every bit where two features disagree', () => {
    expect(weightedSimhash64(new Map([['bank', 3], ['river', 1]]))).toBe(hex(featureHash64('bank')));
    expect(weightedSimhash64(new Map([['bank', 1], ['river', 3]]))).toBe(hex(featureHash64('river')));
  });

  it('counts repeated features like a term frequency (simhash64: shingles with plain FNV-1a)', () => {
    expect(simhash64(['bank', 'bank', 'bank', 'river'], 1)).toBe(weightedSimhash64(new Map([['bank', 3], ['river', 1]]), fnv1a64));
    expect(simhash64(['bank', 'bank', 'bank', 'river'], 1)).toBe(hex(fnv1a64('bank')));
  });

  it('ignores features without a positive weight and gives all zeros without features', () => {
    expect(weightedSimhash64(new Map())).toBe('0000000000000000');
    expect(weightedSimhash64(new Map([['bank', 0], ['river', -2], ['sea', Number.NaN]]))).toBe('0000000000000000');
    expect(weightedSimhash64(new Map([['bank', 1], ['river', -2]]))).toBe(hex(featureHash64('bank')));
  });
});

describe(featureHash64.name, () => {
  /** How often each of the 64 bits is set over the hashes of two-character Chinese words. */
  const bitShares = (hash: (word: string) => bigint) => {
    const words: string[] = [];
    for (let a = 0x4e00; a < 0x4e00 + 60; a++) for (let b = 0x5b00; b < 0x5b00 + 40; b++) words.push(String.fromCharCode(a, b));
    const set = new Array<number>(64).fill(0);
    for (const word of words) {
      const h = hash(word);
      for (let bit = 0; bit < 64; bit++) if ((h >> BigInt(bit)) & 1n) set[bit]++;
    }
    return set.map((n) => n / words.length);
  };

  it('sets every bit about half the time, even for short Chinese words where plain FNV-1a does not', () => {
    const shares = bitShares(featureHash64);
    expect(Math.min(...shares)).toBeGreaterThan(0.45);
    expect(Math.max(...shares)).toBeLessThan(0.55);
    // The flaw it fixes: some FNV-1a bits are (nearly) constant over such words.
    const plain = bitShares(fnv1a64);
    expect(plain.some((share) => share < 0.1 || share > 0.9)).toBe(true);
  });

  it('is deterministic and differs from plain FNV-1a', () => {
    expect(featureHash64('央行')).toBe(featureHash64('央行'));
    expect(featureHash64('bank')).not.toBe(fnv1a64('bank'));
    expect(featureHash64('bank')).toBeLessThan(1n << 64n);
  });
});

describe(shingleFrequencies.name, () => {
  it('counts word shingles of the given size', () => {
    expect(shingleFrequencies(['a', 'b', 'a', 'b'], 2)).toEqual(new Map([['a b', 2], ['b a', 1]]));
    expect(shingleFrequencies(['a', 'b', 'a'], 1)).toEqual(new Map([['a', 2], ['b', 1]]));
  });

  it('takes all words as one shingle when there are fewer than its size, and nothing from no words', () => {
    expect(shingleFrequencies(['a', 'b'], 3)).toEqual(new Map([['a b', 1]]));
    expect(shingleFrequencies([], 3)).toEqual(new Map());
    expect(shingleFrequencies(['a', 'b'], 0)).toEqual(new Map([['a', 1], ['b', 1]]));
  });
});

describe(contentWords.name, () => {
  it('drops English stop words and single Chinese characters, keeping names, numbers and longer Chinese words', () => {
    expect(contentWords(['the', 'bank', 'of', 'carran', 'raised', 'rates', 'to', '4.5'])).toEqual(['bank', 'carran', 'raised', 'rates', '4.5']);
    expect(contentWords(['央行', '的', '利率', '在', '周四', '了', '猫'])).toEqual(['央行', '利率', '周四']);
  });
});

describe(articleSimhash64.name, () => {
  const article = words(
    'The central bank of Carran kept its main interest rate at 4.5 percent on Thursday, the fifth meeting in a row, ' +
      'as the governor said inflation in services was not yet beaten and the labour market remained tight',
  );

  it('is the term-frequency SimHash of the content words, so stop words do not move it', () => {
    expect(articleSimhash64(article)).toBe(weightedSimhash64(shingleFrequencies(contentWords(article), 1)));
    expect(articleSimhash64([...article, 'the', 'of', 'and', 'it', 'was'])).toBe(articleSimhash64(article));
  });

  it('moves a few bits for a typo or a replaced word, where 3-word shingles move many', () => {
    const edited = article.map((w) => (w === 'thursday' ? 'wednesday' : w === 'governor' ? 'govenor' : w));
    const moved = hammingDistance64(articleSimhash64(article), articleSimhash64(edited));
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(hammingDistance64(simhash64(article), simhash64(edited)));
    expect(moved).toBeLessThanOrEqual(8);
  });

  it('keeps unrelated articles far apart', () => {
    const unrelated = words(
      'The home team won the championship final after a dramatic penalty shootout in front of a sold out ' +
        'stadium while fans celebrated late into the night across the city streets and squares waving flags',
    );
    expect(hammingDistance64(articleSimhash64(article), articleSimhash64(unrelated))).toBeGreaterThan(16);
  });

  it('fingerprints a text of stop words only on all its words, and no words as all zeros', () => {
    expect(articleSimhash64(['to', 'be', 'or', 'not'])).toBe(weightedSimhash64(shingleFrequencies(['to', 'be', 'or', 'not'], 1)));
    expect(articleSimhash64(['to', 'be', 'or', 'not'])).not.toBe('0000000000000000');
    expect(articleSimhash64([])).toBe('0000000000000000');
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
