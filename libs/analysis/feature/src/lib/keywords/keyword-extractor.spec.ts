import { Vocabulary } from '../model/vocabulary';
import { WordTokenizer } from '../model/word-tokenizer';
import { ChineseSegmenter } from '../text/chinese-segmenter';
import { chineseKeywords, wordKeywords } from './keyword-extractor';

const manifest = {
  maxTokens: 512,
  tokenizer: {
    kind: 'unicode-words',
    normalizeForm: 'NFKC' as const,
    lowercase: true,
    pattern: "[\\p{L}\\p{M}\\p{N}]+(?:['\\-][\\p{L}\\p{M}\\p{N}]+)*",
    unknownWords: 'drop',
    vocabSize: 6,
  },
  weighting: { kind: 'sif', a: 0.001, zipfTopProbability: 0.06 },
};
// Frequency ranks: "market" is common, "tariff" rare.
const vocabulary = new Vocabulary(['the', 'market', 'report', 'tariff', 'bank', 'steel'], [0, 300, 800, 9000, 500, 7000]);

describe(wordKeywords.name, () => {
  const tokenizer = new WordTokenizer(manifest, vocabulary);

  it('ranks by frequency weighted by rarity and skips stop words, numbers and short words', () => {
    const words = tokenizer.words('The market said the market is up 25 percent. Tariff on steel, tariff report. It is OK.');
    const sut = wordKeywords(words, tokenizer, 4);
    expect(sut).toEqual(['tariff', 'market', 'steel', 'report']);
    expect(sut).not.toContain('the');
    expect(sut).not.toContain('25');
  });

  it('treats words unknown to the vocabulary as rare (names, jargon)', () => {
    const sut = wordKeywords(tokenizer.words('bank Zelenskyy'), tokenizer, 2);
    expect(sut).toEqual(['zelenskyy', 'bank']);
  });

  it('folds possessives and limits the result', () => {
    // Folded, "bank" occurs twice and outweighs the rarer "steel" occurring once.
    expect(wordKeywords(tokenizer.words("bank's bank steel"), tokenizer, 1)).toEqual(['bank']);
    expect(wordKeywords(tokenizer.words("The bank's bank"), tokenizer)).toEqual(['bank']);
    expect(wordKeywords([], tokenizer)).toEqual([]);
  });
});

describe(chineseKeywords.name, () => {
  const segmenter = new ChineseSegmenter();

  it('extracts TF-IDF keywords with jieba, without numbers or single characters', () => {
    const sut = chineseKeywords('中国人民银行今天宣布下调存款准备金率0.5个百分点，以支持实体经济发展。股市随即上涨。', segmenter);
    expect(sut.length).toBeGreaterThan(3);
    expect(sut.length).toBeLessThanOrEqual(8);
    expect(sut).toEqual(expect.arrayContaining(['准备金率', '中国人民银行']));
    expect(sut.every((k) => [...k].length >= 2 && !/^[\d.]+$/.test(k))).toBe(true);
  });

  it('returns nothing for text without Chinese words', () => {
    expect(chineseKeywords('。，！', segmenter)).toEqual([]);
  });
});
