import { TokenizerFormatError, WordpieceTokenizer } from './wordpiece-tokenizer';

const VOCAB = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', '##s', 'un', '##aff', '##able', 'naive', '.', "'", '中', '国', 'run'];
const tokenizerJson = (extra: Record<string, unknown> = {}) => ({
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 12, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
  ...extra,
});
const ids = (...tokens: string[]) => tokens.map((t) => VOCAB.indexOf(t));

describe(WordpieceTokenizer.name, () => {
  const sut = WordpieceTokenizer.fromTokenizerJson(tokenizerJson(), 8);

  it('lower-cases, strips accents, splits punctuation and Chinese characters, and wraps in [CLS] … [SEP]', () => {
    expect(sut.preTokenize('The CATS,\tnaïve\u0000 中国!')).toEqual(['the', 'cats', ',', 'naive', '中', '国', '!']);
    expect(sut.words("The cat's.")).toEqual(['the', 'cat', 's']);
    expect(sut.tokenize('The cats.')).toEqual({ ids: ids('[CLS]', 'the', 'cat', '##s', '.', '[SEP]'), weights: [1, 1, 1, 1, 1, 1], knownTokens: 4, truncated: false });
  });

  it('matches the longest pieces first and makes a word [UNK] when any part is unknown', () => {
    expect(sut.wordIds('unaffable')).toEqual(ids('un', '##aff', '##able'));
    expect(sut.wordIds('unafx')).toEqual(ids('[UNK]'));
    expect(sut.wordIds('unaffableunaffable')).toEqual(ids('[UNK]')); // longer than max_input_chars_per_word
    expect(sut.tokenize('zebra')).toMatchObject({ ids: ids('[CLS]', '[UNK]', '[SEP]'), knownTokens: 0 });
  });

  it('truncates to the maximum, [CLS] and [SEP] included, and flags it', () => {
    expect(sut.tokenize('the cat the cat the cat the cat')).toEqual({
      ids: ids('[CLS]', 'the', 'cat', 'the', 'cat', 'the', 'cat', '[SEP]'),
      weights: [1, 1, 1, 1, 1, 1, 1, 1],
      knownTokens: 6,
      truncated: true,
    });
  });

  it('puts a prefix first without counting it as known tokens', () => {
    expect(sut.tokenize('cat', 'the ')).toMatchObject({ ids: ids('[CLS]', 'the', 'cat', '[SEP]'), knownTokens: 1 });
  });

  it('keeps case and accents when the normalizer says so, and honours the tokenizer truncation', () => {
    const cased = WordpieceTokenizer.fromTokenizerJson(
      tokenizerJson({ normalizer: { type: 'BertNormalizer', lowercase: false }, truncation: { max_length: 4 } }),
      512,
    );
    expect(cased.preTokenize('The Naïve')).toEqual(['The', 'Naïve']);
    expect(cased.tokenize('the cat the')).toMatchObject({ ids: ids('[CLS]', 'the', 'cat', '[SEP]'), truncated: true });
  });

  it.each([
    [{ model: { type: 'Unigram', vocab: [] } }, 'tokenizer.json model type "Unigram" is not WordPiece'],
    [{ normalizer: { type: 'NFKC' } }, 'tokenizer.json normalizer "NFKC" is not supported (BertNormalizer)'],
    [{ model: { type: 'WordPiece', vocab: { '[UNK]': 0, '[SEP]': 1 } } }, 'the classifier token [CLS] is not in the vocabulary'],
    [{ model: { type: 'WordPiece', vocab: { a: -1 } } }, 'token a has no valid id'],
  ])('refuses a tokenizer.json it cannot run (%#)', (json, message) => {
    expect(() => WordpieceTokenizer.fromTokenizerJson({ ...tokenizerJson(), ...json }, 8)).toThrow(new TokenizerFormatError(message));
  });
});
