import {
  centralSentences,
  embeddingEncoder,
  extractiveSummary,
  joinSentences,
  leadSummary,
  summaryLength,
  tfIdfEncoder,
  tfIdfVector,
  type SentenceEncoder,
} from './extractive-summary';

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

describe(extractiveSummary.name, () => {
  const text = 'The river rose fast. Shops closed early. The river flooded the town. Fans watched football. Boats sailed on the river.';
  // One-hot "topic" vectors: the 3 river sentences (and the title) point one way, the 2 others elsewhere; ties go to the earlier sentence.
  const riverEncoder: SentenceEncoder = async (pieces) => pieces.map((p) => (/river/i.test(p) ? Float32Array.from([1, 0]) : Float32Array.from([0, 1])));

  it('picks the central sentences of a long text in their original order', async () => {
    await expect(extractiveSummary(text, false, '', riverEncoder)).resolves.toBe('The river rose fast. The river flooded the town.');
  });

  it('sends the sentences then the title to the encoder', async () => {
    const seen: string[][] = [];
    await extractiveSummary(text, false, 'River floods town', async (pieces) => {
      seen.push([...pieces]);
      return riverEncoder(pieces);
    });
    expect(seen).toEqual([['The river rose fast.', 'Shops closed early.', 'The river flooded the town.', 'Fans watched football.', 'Boats sailed on the river.', 'River floods town']]);
  });

  it('returns a short text whole without encoding it', async () => {
    const encode = jest.fn<ReturnType<SentenceEncoder>, Parameters<SentenceEncoder>>();
    await expect(extractiveSummary('一。二。三。', true, '', encode)).resolves.toBe('一。二。三。');
    await expect(extractiveSummary('', false, '', encode)).resolves.toBe('');
    expect(encode).not.toHaveBeenCalled();
  });
});

describe(leadSummary.name, () => {
  it('keeps the first sentences as the splitter splits them', () => {
    expect(leadSummary('Mr. Smith arrived. He spoke. Crowds cheered. Then rain came.', false)).toBe('Mr. Smith arrived. He spoke. Crowds cheered.');
    expect(leadSummary('甲。乙！丙？丁。', true, 2)).toBe('甲。乙！');
    expect(leadSummary('Only one.', false)).toBe('Only one.');
  });
});

describe(embeddingEncoder.name, () => {
  it('gives no vector to a text without known tokens', async () => {
    const sut = embeddingEncoder(async (texts) => texts.map((t) => (t === '???' ? { vector: new Float32Array(0), knownTokens: 0 } : { vector: Float32Array.from([1]), knownTokens: 2 })));
    await expect(sut(['ok', '???'])).resolves.toEqual([Float32Array.from([1]), undefined]);
  });
});

describe(tfIdfEncoder.name, () => {
  it('weighs the words of each sentence by the IDF of the segmenter', async () => {
    const sut = tfIdfEncoder({ words: (t) => t.split(' '), idfOf: (w) => (w === 'a' ? 2 : 1) });
    await expect(sut(['a b a'])).resolves.toEqual([
      new Map([
        ['a', 4],
        ['b', 1],
      ]),
    ]);
  });
});
