import { characterBigrams, jaccard, sparseCosine, tfIdfTerms } from './chinese-similarity';

describe(characterBigrams.name, () => {
  it('yields adjacent Han character pairs and keeps other words whole, lowercased', () => {
    expect(characterBigrams('苹果发布iPhone 16。')).toEqual(['苹果', '果发', '发布', 'iphone', '16']);
  });

  it('does not pair characters across punctuation and keeps a lone character', () => {
    expect(characterBigrams('大涨，股市！好')).toEqual(['大涨', '股市', '好']);
  });

  it('yields nothing for empty or punctuation-only text', () => {
    expect(characterBigrams('')).toEqual([]);
    expect(characterBigrams('，。！？ …')).toEqual([]);
  });
});

describe(jaccard.name, () => {
  it('is shared terms over all distinct terms', () => {
    expect(jaccard(['a', 'b', 'b', 'c'], ['b', 'c', 'd'])).toBeCloseTo(2 / 4);
  });

  it('is 1 for equal sets and 0 for disjoint or empty ones', () => {
    expect(jaccard(['x', 'y'], ['y', 'x'])).toBe(1);
    expect(jaccard(['x'], ['y'])).toBe(0);
    expect(jaccard([], [])).toBe(0);
  });
});

describe(tfIdfTerms.name, () => {
  const idf = (term: string) => ({ 降准: 8, 央行: 6, 宣布: 2 })[term] ?? 5;

  it('sums the IDF per occurrence of a word', () => {
    expect(tfIdfTerms(['央行', '宣布', '央行'], [], idf)).toEqual(
      new Map([
        ['央行', 12],
        ['宣布', 2],
      ]),
    );
  });

  it('keeps bigrams apart from words with the same characters, weighted by their IDF as a word', () => {
    const v = tfIdfTerms(['降准'], ['降准', '准了'], idf);
    expect(v.get('降准')).toBe(8);
    expect(v.get('#降准')).toBe(8);
    expect(v.get('#准了')).toBe(5);
    expect(v.size).toBe(3);
  });
});

describe(sparseCosine.name, () => {
  it('is the cosine of the two vectors whatever their order', () => {
    const a = new Map([
      ['x', 3],
      ['y', 4],
    ]);
    const b = new Map([['x', 1]]);
    expect(sparseCosine(a, b)).toBeCloseTo(3 / 5);
    expect(sparseCosine(b, a)).toBeCloseTo(3 / 5);
    expect(sparseCosine(a, a)).toBeCloseTo(1);
  });

  it('is 0 for disjoint, empty or all-zero vectors', () => {
    expect(sparseCosine(new Map([['x', 1]]), new Map([['y', 1]]))).toBe(0);
    expect(sparseCosine(new Map(), new Map([['y', 1]]))).toBe(0);
    expect(sparseCosine(new Map([['x', 0]]), new Map([['x', 0]]))).toBe(0);
  });
});
