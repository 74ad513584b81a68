import { longestCommonSubsequence, meanRougeScores, rougeL, rougeN, rougeScores, rougeTokens } from './rouge';

const close = (actual: { precision: number; recall: number; f1: number }, expected: [number, number, number]) => {
  expect(actual.precision).toBeCloseTo(expected[0], 10);
  expect(actual.recall).toBeCloseTo(expected[1], 10);
  expect(actual.f1).toBeCloseTo(expected[2], 10);
};

describe(rougeTokens.name, () => {
  it('lower-cases English words, drops punctuation and keeps numbers and contractions whole', () => {
    expect(rougeTokens('The Bank, on Thursday, held rates at 4.5% — it won’t cut; 1,900 jobs.')).toEqual([
      'the', 'bank', 'on', 'thursday', 'held', 'rates', 'at', '4.5', 'it', "won't", 'cut', '1,900', 'jobs',
    ]);
  });

  it('splits Chinese into characters and keeps Latin words and numbers inside it whole', () => {
    expect(rougeTokens('央行下调0.5个百分点，GDP增长。')).toEqual(['央', '行', '下', '调', '0.5', '个', '百', '分', '点', 'gdp', '增', '长']);
  });

  it('gives no tokens for empty or punctuation-only text', () => {
    expect(rougeTokens('')).toEqual([]);
    expect(rougeTokens(' …，。!? ')).toEqual([]);
  });
});

describe(rougeN.name, () => {
  const words = (s: string) => s.split(' ');

  it('matches a hand-computed example (6 tokens each, 5 shared unigrams, 3 shared bigrams)', () => {
    const candidate = words('the cat sat on the mat');
    const reference = words('the cat was on the mat');
    close(rougeN(candidate, reference, 1), [5 / 6, 5 / 6, 5 / 6]);
    close(rougeN(candidate, reference, 2), [3 / 5, 3 / 5, 3 / 5]);
  });

  it('separates precision from recall when the candidate is shorter', () => {
    close(rougeN(words('the cat'), words('the cat sat'), 1), [1, 2 / 3, 0.8]);
    close(rougeN(words('the cat'), words('the cat sat'), 2), [1, 1 / 2, 2 / 3]);
  });

  it('clips repeated n-grams to their count in the reference', () => {
    close(rougeN(words('the the the'), words('the cat'), 1), [1 / 3, 1 / 2, 0.4]);
  });

  it('scores Chinese characters (央行降准 against 央行宣布降准)', () => {
    const c = rougeTokens('央行降准');
    const r = rougeTokens('央行宣布降准');
    close(rougeN(c, r, 1), [1, 4 / 6, 0.8]);
    close(rougeN(c, r, 2), [2 / 3, 2 / 5, 0.5]);
  });

  it('is 0 when a side is empty or too short for one n-gram, and refuses a bad n', () => {
    close(rougeN([], words('a b'), 1), [0, 0, 0]);
    close(rougeN(words('a'), words('a'), 2), [0, 0, 0]);
    close(rougeN(words('x y'), words('a b'), 1), [0, 0, 0]);
    expect(() => rougeN(['a'], ['a'], 0)).toThrow(RangeError);
    expect(() => rougeN(['a'], ['a'], 1.5)).toThrow(RangeError);
  });
});

describe(rougeL.name, () => {
  it('matches hand-computed LCS scores', () => {
    expect(longestCommonSubsequence('the cat sat on the mat'.split(' '), 'the cat was on the mat'.split(' '))).toBe(5);
    close(rougeL('the cat sat on the mat'.split(' '), 'the cat was on the mat'.split(' ')), [5 / 6, 5 / 6, 5 / 6]);
    // LCS of a b c d e / a x c y e is a c e: 3 of 5 either way.
    close(rougeL('a b c d e'.split(' '), 'a x c y e'.split(' ')), [3 / 5, 3 / 5, 3 / 5]);
    // Order matters for L but not for ROUGE-1: reversed text shares every unigram, LCS 1.
    close(rougeL('c b a'.split(' '), 'a b c'.split(' ')), [1 / 3, 1 / 3, 1 / 3]);
    close(rougeN('c b a'.split(' '), 'a b c'.split(' '), 1), [1, 1, 1]);
    close(rougeL(rougeTokens('央行降准'), rougeTokens('央行宣布降准')), [1, 4 / 6, 0.8]);
  });

  it('is 0 for an empty side', () => {
    close(rougeL([], ['a']), [0, 0, 0]);
    expect(longestCommonSubsequence([], [])).toBe(0);
  });
});

describe(rougeScores.name, () => {
  it('scores raw texts, ignoring case and punctuation; identical texts score 1', () => {
    const sut = rougeScores('The cat sat on the mat.', 'the cat, was on the MAT');
    close(sut.rouge1, [5 / 6, 5 / 6, 5 / 6]);
    close(sut.rouge2, [3 / 5, 3 / 5, 3 / 5]);
    close(sut.rougeL, [5 / 6, 5 / 6, 5 / 6]);
    expect(rougeScores('Same text here.', 'same text here').rouge2.f1).toBe(1);
  });
});

describe(meanRougeScores.name, () => {
  it('averages each score over pairs and refuses an empty list', () => {
    const sut = meanRougeScores([rougeScores('a b', 'a b'), rougeScores('x', 'a b')]);
    expect(sut.rouge1.f1).toBeCloseTo(0.5, 10);
    expect(sut.rouge1.precision).toBeCloseTo(0.5, 10);
    expect(() => meanRougeScores([])).toThrow(RangeError);
  });
});
