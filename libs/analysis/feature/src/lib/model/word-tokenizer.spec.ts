import { Vocabulary } from './vocabulary';
import { WordTokenizer } from './word-tokenizer';

const manifest = {
  maxTokens: 5,
  tokenizer: {
    kind: 'unicode-words',
    normalizeForm: 'NFKC' as const,
    lowercase: true,
    pattern: "[\\p{L}\\p{M}\\p{N}]+(?:['\\-][\\p{L}\\p{M}\\p{N}]+)*",
    unknownWords: 'drop',
    vocabSize: 8,
  },
  weighting: { kind: 'sif', a: 0.001, zipfTopProbability: 0.06 },
};
const words = ['the', 'cat', 'sat', 'not', 'do', 'état', 'well', 'known'];

describe(WordTokenizer.name, () => {
  const sut = new WordTokenizer(manifest, new Vocabulary(words, words.map((_, i) => i * 1000)));

  it('lower-cases Unicode text, splits words and drops unknown ones', () => {
    const out = sut.tokenize('The CAT — sat on the ÉTAT mat!');
    expect(out.ids).toEqual([0, 1, 2, 0, 5]);
    expect(out.knownTokens).toBe(5);
    expect(out.truncated).toBe(false);
  });

  it('normalises full-width letters (NFKC) and curly apostrophes', () => {
    expect(sut.words('ＣＡＴ don’t')).toEqual(['cat', "don't"]);
    expect(sut.tokenize("don't").ids).toEqual([4, 3]);
  });

  it('falls back to the parts of a hyphenated word', () => {
    expect(sut.tokenize('well-known').ids).toEqual([6, 7]);
  });

  it('truncates at the maximum number of tokens and flags it', () => {
    const out = sut.tokenize('cat cat cat cat cat cat cat');
    expect(out.ids).toHaveLength(5);
    expect(out.knownTokens).toBe(5);
    expect(out.truncated).toBe(true);
  });

  it('reports zero known tokens for text the model does not know', () => {
    expect(sut.tokenize('今天天气很好 zzzq')).toEqual({ ids: [], weights: [], knownTokens: 0, truncated: false });
    expect(sut.tokenize('')).toEqual({ ids: [], weights: [], knownTokens: 0, truncated: false });
  });

  it('weighs frequent words (the) far below rare ones (known)', () => {
    const out = sut.tokenize('the known');
    expect(out.weights[0]).toBeLessThan(0.05);
    expect(out.weights[1]).toBeGreaterThan(0.9);
    expect(sut.weightOf('unknown-word')).toBe(0);
  });
});
