import { centralSentences, joinSentences, summaryLength, tfIdfVector } from './extractive-summary';

describe(centralSentences.name, () => {
  it('picks the sentences closest to the centroid and returns them in original order', () => {
    const v = (...xs: number[]) => Float32Array.from(xs);
    const vectors = [v(1, 0, 0), v(0, 0, 1), v(0.9, 0.1, 0), v(1, 0.05, 0), v(0, 1, 0)];
    // Centroid ≈ (2.99, 1.16, 1): sentence 2 (0.9, 0.1, 0) is closest, then 3; 1 and 4 are outliers.
    expect(centralSentences(vectors, 2)).toEqual([2, 3]);
  });

  it('never picks sentences without a vector while others exist', () => {
    const vectors = [undefined, Float32Array.from([1, 0]), new Float32Array(2), Float32Array.from([0.8, 0.2])];
    expect(centralSentences(vectors, 2)).toEqual([1, 3]);
  });

  it('lets context vectors (the title) pull the centroid without picking them', () => {
    const v = (...xs: number[]) => Float32Array.from(xs);
    const sentences = [v(1, 0), v(0, 1), v(0, 1), v(0.6, 0.8), v(0.8, 0.6)];
    expect(centralSentences(sentences, 1)).toEqual([3]);
    expect(centralSentences(sentences, 1, [v(1, 0), v(1, 0), v(1, 0)])).toEqual([4]);
  });

  it('falls back to the first sentences when none has a vector', () => {
    expect(centralSentences([undefined, undefined, undefined], 2)).toEqual([0, 1]);
  });

  it('works on sparse TF-IDF vectors', () => {
    const idf = () => 1;
    const vectors = [
      tfIdfVector(['央行', '降息'], idf),
      tfIdfVector(['天气', '晴朗'], idf),
      tfIdfVector(['央行', '降息', '股市'], idf),
      tfIdfVector(['股市', '央行'], idf),
    ];
    // Sentence 2 shares the most with the others; 0 and 3 tie, and ties go to the earlier sentence.
    expect(centralSentences(vectors, 2)).toEqual([0, 2]);
  });
});

describe(tfIdfVector.name, () => {
  it('sums the IDF of repeated words', () => {
    expect(tfIdfVector(['a', 'b', 'a'], (w) => (w === 'a' ? 2 : 5))).toEqual(
      new Map([
        ['a', 4],
        ['b', 5],
      ]),
    );
  });
});

describe(summaryLength.name, () => {
  it('keeps 2 sentences, 3 for long texts', () => {
    expect(summaryLength(4)).toBe(2);
    expect(summaryLength(8)).toBe(3);
  });
});

describe(joinSentences.name, () => {
  it('joins English with spaces and Chinese without', () => {
    expect(joinSentences(['A.', 'B.'], false)).toBe('A. B.');
    expect(joinSentences(['甲。', '乙。'], true)).toBe('甲。乙。');
  });
});
