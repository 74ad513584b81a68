import { BIGRAM_MARK, chineseTerms, EmbeddingStandardizer, isChineseFeatureKind, WordTfIdf } from './topic-features';

describe(EmbeddingStandardizer.name, () => {
  it('centres and scales each dimension', () => {
    const sut = EmbeddingStandardizer.fit([
      [1, 10],
      [3, 10],
    ]);
    expect(sut.mean).toEqual([2, 10]);
    expect(sut.scale).toEqual([1, 1]); // a constant dimension keeps scale 1
    expect(sut.features([3, 12])).toEqual({ indices: [0, 1], values: [1, 2] });
  });

  it('refuses vectors of another dimension and empty input', () => {
    const sut = new EmbeddingStandardizer([0, 0], [1, 1]);
    expect(sut.features([1, 2, 3])).toBeUndefined();
    expect(() => EmbeddingStandardizer.fit([])).toThrow('no vectors');
    expect(() => new EmbeddingStandardizer([0], [1, 1])).toThrow('mean has 1 entries but scale 2');
  });
});

describe(WordTfIdf.name, () => {
  const sut = WordTfIdf.fit([['股市', '下跌'], ['股市', '上涨']], (w) => (w === '股市' ? 1 : 3));

  it('builds a sorted vocabulary and L2-normalised TF-IDF vectors, ignoring unknown words', () => {
    expect(sut.vocabulary).toEqual(['上涨', '下跌', '股市']);
    const x = sut.features(['股市', '股市', '下跌', '天气']);
    expect(x.indices).toEqual([1, 2]);
    const raw = [3, 1 + Math.log(2)];
    const norm = Math.hypot(...raw);
    x.values.forEach((v, k) => expect(v).toBeCloseTo((raw[k] as number) / norm, 12));
    expect(sut.features(['天气'])).toEqual({ indices: [], values: [] });
  });

  it('refuses a vocabulary with repeated words or missing IDF values', () => {
    expect(() => new WordTfIdf(['a', 'a'], [1, 1])).toThrow('repeats a word');
    expect(() => new WordTfIdf(['a'], [])).toThrow('1 words but idf 0 values');
  });
});

describe(chineseTerms.name, () => {
  const words = ['球队', '晋级', '决赛', 'NBA'];

  it('gives the words, the Han bigrams across word boundaries, or both', () => {
    expect(chineseTerms(words, 'words')).toEqual(words);
    expect(chineseTerms(words, 'bigrams')).toEqual(['球队', '队晋', '晋级', '级决', '决赛'].map((b) => BIGRAM_MARK + b));
    expect(chineseTerms(words, 'words+bigrams')).toHaveLength(9);
    expect(chineseTerms([], 'bigrams')).toEqual([]);
    expect(chineseTerms(['A', 'b'], 'bigrams')).toEqual([]);
  });

  it('knows its feature kinds', () => {
    expect(isChineseFeatureKind('bigrams')).toBe(true);
    expect(isChineseFeatureKind('letters')).toBe(false);
  });
});
