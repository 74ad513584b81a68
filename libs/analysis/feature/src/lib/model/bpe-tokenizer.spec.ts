import { BpeTokenizer } from './bpe-tokenizer';
import { TokenizerFormatError } from './wordpiece-tokenizer';

type Json = Record<string, unknown>;
const vocabOf = (tokens: readonly string[]) => Object.fromEntries(tokens.map((t, i) => [t, i]));

/*
 * Byte-level (RoBERTa-style). The GPT-2 byte alphabet keeps printable Latin-1 bytes as themselves and
 * moves the others to U+0100 + n in byte order: space (n = 32) → Ġ; 0x8C (n = 33 + 13) → Į; 0x9F → Ł;
 * 0x98 → ĺ; 0x80 → Ģ. So 猫 (E7 8C AB) is "çĮ«" and 😀 (F0 9F 98 80) is "ðŁĺĢ".
 */
const BYTE_TOKENS = [
  '<s>', '<pad>', '</s>', '<unk>', 'Ġ', 't', 'h', 'e', 'c', 'a', 's', "'", '!', 'ç', 'Į', '«', 'ð', 'Ł', 'ĺ', 'Ģ', '1', '2',
  'at', 'ca', 'Ġc', 'Ġcat', 'he', 'Ġt', 'Ġthe', "'s", 'çĮ', 'çĮ«', 'ðŁ', 'ðŁĺ', '<mask>',
] as const;
const BYTE_MERGES = ['a t', 'c a', 'Ġ c', 'Ġc at', 'h e', 'Ġ t', 'Ġt he', "' s", 'ç Į', 'çĮ «', 'ð Ł', 'ðŁ ĺ'];
const b = (...tokens: (typeof BYTE_TOKENS)[number][]) => tokens.map((t) => BYTE_TOKENS.indexOf(t));
const byteLevelJson = (extra: Json = {}, model: Json = {}): Json => ({
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  post_processor: { type: 'RobertaProcessing', sep: ['</s>', 2], cls: ['<s>', 0], trim_offsets: true, add_prefix_space: true },
  added_tokens: [{ id: 34, content: '<mask>', special: true }],
  ...extra,
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: '', end_of_word_suffix: '', fuse_unk: false, vocab: vocabOf(BYTE_TOKENS), merges: BYTE_MERGES, ...model },
});

/* Metaspace BPE (Llama-style): ▁ for spaces, <0xNN> byte tokens for characters without a token. */
const META_TOKENS = ['<unk>', '<s>', '</s>', '<0x0A>', '<0xE7>', '<0x8C>', '<0xAB>', '▁', 'h', 'i', '▁h', '▁hi', '狗'] as const;
const m = (...tokens: (typeof META_TOKENS)[number][]) => tokens.map((t) => META_TOKENS.indexOf(t));
const metaspaceJson = (pre: Json = { type: 'Metaspace', replacement: '▁', prepend_scheme: 'first', split: false }, model: Json = {}): Json => ({
  normalizer: null,
  pre_tokenizer: pre,
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    special_tokens: { '<s>': { id: '<s>', ids: [1], tokens: ['<s>'] } },
  },
  model: {
    type: 'BPE',
    dropout: null,
    unk_token: '<unk>',
    fuse_unk: true,
    byte_fallback: true,
    vocab: vocabOf(META_TOKENS.filter((t) => t !== '狗')),
    merges: [['▁', 'h'], ['▁h', 'i']],
    ...model,
  },
});

/* Word-level BPE with "##" continuations and a "</w>" end-of-word suffix, normalised NFKC + lower case. */
const SUFFIX_TOKENS = ['[UNK]', '[CLS]', '[SEP]', 'l', '##o', '##w</w>', '##w', '##e', '##r</w>', 'lo', 'low</w>', 'low', '##er</w>', '!</w>', 'q'] as const;
const w = (...tokens: (typeof SUFFIX_TOKENS)[number][]) => tokens.map((t) => SUFFIX_TOKENS.indexOf(t));
const suffixJson = (extra: Json = {}): Json => ({
  normalizer: { type: 'Sequence', normalizers: [{ type: 'NFKC' }, { type: 'Lowercase' }] },
  pre_tokenizer: { type: 'Whitespace' },
  post_processor: { type: 'BertProcessing', sep: ['[SEP]', 2], cls: ['[CLS]', 1] },
  model: {
    type: 'BPE',
    unk_token: '[UNK]',
    continuing_subword_prefix: '##',
    end_of_word_suffix: '</w>',
    fuse_unk: false,
    vocab: vocabOf(SUFFIX_TOKENS),
    merges: ['l ##o', 'lo ##w</w>', 'lo ##w', '##e ##r</w>'],
  },
  ...extra,
});

describe(BpeTokenizer.name, () => {
  describe('byte-level (RoBERTa / GPT-2 style)', () => {
    const sut = BpeTokenizer.fromTokenizerJson(byteLevelJson(), 8);

    it('splits with the GPT-2 pattern after a prefix space, maps bytes to their characters, and wraps in <s> … </s>', () => {
      expect(sut.preTokenize("the cat's!")).toEqual(['Ġthe', 'Ġcat', "'s", '!']);
      expect(sut.tokenize("the cat's!")).toEqual({ ids: b('<s>', 'Ġthe', 'Ġcat', "'s", '!', '</s>'), weights: [1, 1, 1, 1, 1, 1], knownTokens: 4, truncated: false });
    });

    it('merges the lowest rank first, not the leftmost pair', () => {
      // "cat" alone: (a t) has rank 0, (c a) rank 1 → c + at, never ca + t.
      expect(sut.wordIds('cat')).toEqual(b('c', 'at'));
      // "Ġcat": a t, then Ġ c, then Ġc at.
      expect(sut.wordIds('Ġcat')).toEqual(b('Ġcat'));
      expect(sut.wordIds('the')).toEqual(b('t', 'he'));
    });

    it('merges the leftmost of equal pairs first', () => {
      const tie = BpeTokenizer.fromTokenizerJson(byteLevelJson({}, { vocab: vocabOf(['<s>', '<pad>', '</s>', 'a', 'aa']), merges: [['a', 'a']] }), 8);
      expect(tie.wordIds('aaa')).toEqual([4, 3]);
    });

    it('keeps a lone space before another space, and a trailing one, as their own words', () => {
      expect(sut.preTokenize('the  cat ')).toEqual(['Ġthe', 'Ġ', 'Ġcat', 'Ġ']);
      expect(sut.tokenize('the  cat ').ids).toEqual(b('<s>', 'Ġthe', 'Ġ', 'Ġcat', 'Ġ', '</s>'));
    });

    it('encodes Chinese and emoji through their UTF-8 bytes', () => {
      expect(sut.preTokenize('猫😀')).toEqual(['ĠçĮ«', 'ðŁĺĢ']);
      expect(sut.tokenize('猫😀')).toMatchObject({ ids: b('<s>', 'Ġ', 'çĮ«', 'ðŁĺ', 'Ģ', '</s>'), knownTokens: 4 });
      expect(sut.tokenize('12').ids).toEqual(b('<s>', 'Ġ', '1', '2', '</s>'));
    });

    it('drops characters with no token when the model has no unknown token', () => {
      expect(sut.tokenize('the x')).toMatchObject({ ids: b('<s>', 'Ġthe', 'Ġ', '</s>'), knownTokens: 2 });
    });

    it('adds no prefix space when add_prefix_space is false', () => {
      const bare = BpeTokenizer.fromTokenizerJson(byteLevelJson({ pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true } }), 8);
      expect(bare.tokenize('the cat').ids).toEqual(b('<s>', 't', 'he', 'Ġcat', '</s>'));
    });

    it('truncates to the maximum, <s> and </s> included, and flags it', () => {
      expect(sut.tokenize('the cat the cat the cat the cat')).toEqual({
        ids: b('<s>', 'Ġthe', 'Ġcat', 'Ġthe', 'Ġcat', 'Ġthe', 'Ġcat', '</s>'),
        weights: [1, 1, 1, 1, 1, 1, 1, 1],
        knownTokens: 6,
        truncated: true,
      });
      expect(sut.tokenize('the cat the cat the cat').truncated).toBe(false);
    });

    it('encodes a prefix together with the text without counting it as known tokens', () => {
      expect(sut.tokenize('cat', 'the ')).toMatchObject({ ids: b('<s>', 'Ġthe', 'Ġcat', '</s>'), knownTokens: 1 });
    });

    it('lists the added tokens in its vocabulary', () => {
      expect(sut.vocabulary.size).toBe(BYTE_TOKENS.length);
      expect(sut.vocabulary.idOf('<mask>')).toBe(34);
    });

    it('reads GPT-2 files: no special tokens, "a b" merges', () => {
      const gpt2 = BpeTokenizer.fromTokenizerJson(byteLevelJson({ post_processor: { type: 'ByteLevel', trim_offsets: true } }), 8);
      expect(gpt2.tokenize('the cat')).toMatchObject({ ids: b('Ġthe', 'Ġcat'), knownTokens: 2 });
    });
  });

  it('merges as a repeated scan for the lowest-ranked, leftmost pair does, on random merges and words', () => {
    let seed = 12345;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const tokens = ['a', 'b', 'c', 'd'];
    const merges: [string, string][] = [];
    while (merges.length < 80) {
      const a = tokens[random(tokens.length)] as string;
      const c = tokens[random(tokens.length)] as string;
      if (merges.some(([x, y]) => x === a && y === c) || (a + c).length > 8) continue;
      merges.push([a, c]);
      // Two merges may make the same token ("ab c" and "a bc").
      if (!tokens.includes(a + c)) tokens.push(a + c);
    }
    const scan = (word: string): number[] => {
      const parts = [...word];
      for (;;) {
        let best = -1;
        let bestRank = Infinity;
        for (let i = 0; i + 1 < parts.length; i++) {
          const rank = merges.findIndex(([x, y]) => x === parts[i] && y === parts[i + 1]);
          if (rank >= 0 && rank < bestRank) [best, bestRank] = [i, rank];
        }
        if (best < 0) return parts.map((p) => tokens.indexOf(p));
        parts.splice(best, 2, (parts[best] as string) + (parts[best + 1] as string));
      }
    };
    const sut = BpeTokenizer.fromTokenizerJson({ model: { type: 'BPE', vocab: vocabOf(tokens), merges } }, 64);
    for (let n = 0; n < 500; n++) {
      const word = Array.from({ length: 1 + random(40) }, () => 'abcd'[random(4)]).join('');
      expect([word, sut.wordIds(word)]).toEqual([word, scan(word)]);
    }
  });

  describe('Metaspace with byte fallback (SentencePiece-style)', () => {
    const sut = BpeTokenizer.fromTokenizerJson(metaspaceJson(), 16);

    it('replaces spaces by ▁, prepends one, and merges the leftmost of equal pairs first', () => {
      expect(sut.preTokenize('hi hi')).toEqual(['▁hi▁hi']);
      expect(sut.tokenize('hi hi')).toEqual({ ids: m('<s>', '▁hi', '▁hi'), weights: [1, 1, 1], knownTokens: 2, truncated: false });
    });

    it('falls back to <0xNN> byte tokens, and to one unknown token for a run of characters whose bytes are missing', () => {
      // 猫 is E7 8C AB (all three byte tokens exist); 狗 is E7 8B 97 (8B is missing): unknown, fused.
      expect(sut.tokenize('hi\n猫')).toMatchObject({ ids: m('<s>', '▁hi', '<0x0A>', '<0xE7>', '<0x8C>', '<0xAB>'), knownTokens: 5 });
      expect(sut.tokenize('狗狗 hi')).toMatchObject({ ids: m('<s>', '▁', '<unk>', '▁hi'), knownTokens: 2 });
      const unfused = BpeTokenizer.fromTokenizerJson(metaspaceJson(undefined, { fuse_unk: false }), 16);
      expect(unfused.tokenize('狗狗 hi').ids).toEqual(m('<s>', '▁', '<unk>', '<unk>', '▁hi'));
    });

    it('splits before every ▁ when split is on, and follows the prepend scheme', () => {
      const split = BpeTokenizer.fromTokenizerJson(metaspaceJson({ type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true }), 16);
      expect(split.preTokenize('hi  hi')).toEqual(['▁hi', '▁', '▁hi']);
      const never = BpeTokenizer.fromTokenizerJson(metaspaceJson({ type: 'Metaspace', prepend_scheme: 'never' }), 16);
      expect(never.tokenize('hi hi').ids).toEqual(m('<s>', 'h', 'i', '▁hi'));
      // Older files: add_prefix_space instead of prepend_scheme.
      const legacy = BpeTokenizer.fromTokenizerJson(metaspaceJson({ type: 'Metaspace', replacement: '▁', add_prefix_space: true }), 16);
      expect(legacy.preTokenize('hi hi')).toEqual(['▁hi', '▁hi']);
    });

    it('takes a word in the vocabulary whole when ignore_merges is set', () => {
      const json = metaspaceJson(undefined, { vocab: vocabOf(META_TOKENS), merges: [['▁', 'h']], ignore_merges: true });
      const whole = BpeTokenizer.fromTokenizerJson({ ...json, pre_tokenizer: { type: 'Metaspace', prepend_scheme: 'never' } }, 16);
      expect(whole.tokenize('狗').ids).toEqual(m('<s>', '狗'));
      expect(whole.wordIds('▁hi')).toEqual(m('▁hi'));
    });
  });

  describe('word-level BPE with continuation prefix and end-of-word suffix', () => {
    const sut = BpeTokenizer.fromTokenizerJson(suffixJson(), 10);

    it('normalises, splits words from punctuation, and drops the continuation prefix inside merged tokens', () => {
      expect(sut.preTokenize('ＬＯＷ lower!')).toEqual(['low', 'lower', '!']);
      expect(sut.words('ＬＯＷ, lower!')).toEqual(['low', 'lower']);
      // low: l ##o ##w</w> → lo ##w</w> → low</w>; lower: l ##o ##w ##e ##r</w> → lo … → low ##e ##r</w> → low ##er</w>.
      expect(sut.tokenize('ＬＯＷ lower!')).toEqual({ ids: w('[CLS]', 'low</w>', 'low', '##er</w>', '!</w>', '[SEP]'), weights: [1, 1, 1, 1, 1, 1], knownTokens: 4, truncated: false });
    });

    it('gives each unknown character its own unknown token without fuse_unk, and does not count them as known', () => {
      expect(sut.tokenize('lox')).toMatchObject({ ids: w('[CLS]', 'lo', '[UNK]', '[SEP]'), knownTokens: 1 });
      expect(sut.tokenize('lzx')).toMatchObject({ ids: w('[CLS]', 'l', '[UNK]', '[UNK]', '[SEP]'), knownTokens: 1 });
    });

    it('splits on whitespace only with WhitespaceSplit', () => {
      const split = BpeTokenizer.fromTokenizerJson(suffixJson({ pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'WhitespaceSplit' }] } }), 10);
      expect(split.preTokenize(' low\tlower! ')).toEqual(['low', 'lower!']);
    });

    it('honours the tokenizer.json truncation below the model maximum', () => {
      const short = BpeTokenizer.fromTokenizerJson(suffixJson({ truncation: { max_length: 3 } }), 10);
      expect(short.tokenize('low low')).toMatchObject({ ids: w('[CLS]', 'low</w>', '[SEP]'), truncated: true });
    });
  });

  describe('refusals', () => {
    it.each<[string, Json, string]>([
      ['another model type', { model: { type: 'WordPiece', vocab: {} } }, 'tokenizer.json model type "WordPiece" is not BPE'],
      [
        'dropout',
        { model: { type: 'BPE', dropout: 0.1, vocab: {}, merges: [] } },
        'BPE dropout 0.1 is not supported: it samples random segmentations (a training aid); inference needs "dropout": null',
      ],
      ['a Replace normalizer', { normalizer: { type: 'Sequence', normalizers: [{ type: 'NFC' }, { type: 'Replace' }] } }, 'tokenizer.json normalizer "Replace" is not supported for BPE (NFC, NFD, NFKC, NFKD, Lowercase, Sequence)'],
      [
        'a Split pre-tokenizer',
        { pre_tokenizer: { type: 'Sequence', pretokenizers: [{ type: 'Split' }, { type: 'ByteLevel' }] } },
        'tokenizer.json pre_tokenizer "Split" is not supported for BPE (ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Sequence)',
      ],
      ['an unknown post-processor', { post_processor: { type: 'Fancy' } }, 'tokenizer.json post_processor "Fancy" is not supported for BPE (RobertaProcessing, BertProcessing, TemplateProcessing, ByteLevel)'],
      [
        'a template special token not in the vocabulary',
        { post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<bos>' } }, { Sequence: { id: 'A' } }] } },
        'the special token <bos> is not in the vocabulary',
      ],
      ['a merge of unknown tokens', { model: { type: 'BPE', vocab: { a: 0 }, merges: ['a b'] } }, 'merge 0 "a b" needs b, which is not in the vocabulary'],
      ['a merge whose result is unknown', { model: { type: 'BPE', vocab: { a: 0, b: 1 }, merges: [['a', 'b']] } }, 'merge 0 "a b" needs ab, which is not in the vocabulary'],
      ['a malformed merge', { model: { type: 'BPE', vocab: { a: 0 }, merges: ['a b c'] } }, 'merge 0 "a b c" is not two tokens separated by one space'],
      ['an unknown token not in the vocabulary', { model: { type: 'BPE', unk_token: '<unk>', vocab: { a: 0 }, merges: [] } }, 'the unknown token <unk> is not in the vocabulary'],
      ['a Metaspace replacement of two characters', { pre_tokenizer: { type: 'Metaspace', replacement: '__' } }, 'Metaspace replacement "__" is not one character'],
    ])('refuses %s', (_, json, message) => {
      const base = byteLevelJson({ post_processor: null });
      expect(() => BpeTokenizer.fromTokenizerJson({ ...base, ...json }, 8)).toThrow(new TokenizerFormatError(message));
    });

    it('refuses a maximum that leaves no room beside the special tokens', () => {
      expect(() => BpeTokenizer.fromTokenizerJson(byteLevelJson(), 2)).toThrow('maxTokens 2 leaves no room beside 2 special token(s)');
    });
  });
});
