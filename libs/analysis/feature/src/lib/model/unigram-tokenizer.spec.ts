import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { createTokenizer } from './model-loader';
import { parseModelManifest } from './model-manifest';
import { UnigramTokenizer, WORD_BOUNDARY } from './unigram-tokenizer';
import { TokenizerFormatError } from './wordpiece-tokenizer';

const B = WORD_BOUNDARY;

/** A small piece list: ids 0–2 are control symbols, then pieces with log-probabilities. */
function pieceList(): [string, number | null][] {
  return [
    ['<unk>', 0],
    ['<s>', 0],
    ['</s>', 0],
    [`${B}the`, -2],
    [`${B}`, -3],
    ['t', -4],
    ['h', -4],
    ['e', -4],
    ['c', -4],
    ['a', -4],
    [`${B}cat`, -3],
    [`${B}ca`, -4],
    ['ts', -3],
    ['s', -4],
    [`${B}cats`, -7.5],
    ['<s>x', -1],
    [':', null],
  ];
}

const makeSut = (maxTokens = 16) => UnigramTokenizer.fromPieceList(pieceList(), { reservedIds: 3, maxTokens });
const pieces = (sut: UnigramTokenizer, ids: number[]) => ids.map((id) => sut.vocabulary.words[id]);

describe(UnigramTokenizer.name, () => {
  it('marks word starts with ▁ after NFKC normalisation', () => {
    const sut = makeSut();
    expect(sut.normalize('the  cat')).toBe(`${B}the${B}${B}cat`);
    expect(sut.normalize('ﬁ')).toBe(`${B}fi`);
    expect(sut.normalize('')).toBe('');
  });

  it('picks the segmentation with the highest total log-probability', () => {
    const sut = makeSut();
    // ▁cats (-7.5) loses to ▁ca + ts (-4 - 3 = -7) and ▁cat + s (-3 - 4 = -7); of the tie, the later-starting last piece wins.
    expect(pieces(sut, sut.encode('cats'))).toEqual([`${B}cat`, 's']);
    expect(pieces(sut, sut.encode('the cat'))).toEqual([`${B}the`, `${B}cat`]);
  });

  it('gives one unknown id to a run of characters no piece covers, and never matches control symbols', () => {
    const sut = makeSut();
    expect(pieces(sut, sut.encode('the ZZZ'))).toEqual([`${B}the`, B, '<unk>']);
    // "<s>" is a control symbol: the text "<s>" is unknown characters, not the piece.
    expect(pieces(sut, sut.encode('<s>'))).toEqual([B, '<unk>', 's', '<unk>']);
  });

  it('reads a null score as 0, as the reference does', () => {
    const sut = makeSut();
    expect(pieces(sut, sut.encode('the:'))).toEqual([`${B}the`, ':']);
  });

  it('cuts the input at maxTokens, counting only known pieces with content of the text (not the prefix)', () => {
    const sut = makeSut(3);
    const long = sut.tokenize('the cat the cat');
    expect(long.ids).toHaveLength(3);
    expect(long.truncated).toBe(true);
    expect(makeSut().tokenize('the ZZZ')).toMatchObject({ knownTokens: 1, truncated: false });
    // Only ▁, punctuation and unknown characters: nothing to embed.
    expect(makeSut().tokenize('ZZZ :')).toMatchObject({ ids: [4, 0, 4, 16], knownTokens: 0 });
    expect(makeSut().tokenize('the cat', 'the ')).toMatchObject({ ids: [3, 3, 10], knownTokens: 2 });
    expect(makeSut().tokenize('')).toEqual({ ids: [], weights: [], knownTokens: 0, truncated: false });
  });

  it('encoding only the start of a text gives the first pieces of the whole text, more than the limit of them', () => {
    const sut = makeSut();
    // Letters of the pieces, unknown letters (runs of them become one id, also across a cut), spaces of every kind.
    const symbol = fc.constantFrom('t', 'h', 'e', 'c', 'a', 's', ':', 'Z', 'Q', ' ', '  ', '\u00a0', '\u3000', 'the ', 'cats ');
    fc.assert(
      fc.property(fc.array(symbol, { maxLength: 400 }).map((parts) => parts.join('')), fc.integer({ min: 0, max: 40 }), (text, limit) => {
        const whole = sut.encode(text);
        const start = sut.encode(text, limit);
        expect(start).toEqual(whole.slice(0, start.length));
        expect(start.length > limit || start.length === whole.length).toBe(true);
      }),
      { numRuns: 500 },
    );
    // Only the start went through the lattice: (10 + 1) × 6 = 66 symbols, cut at the next ▁ (68) = 17 words of 1 piece.
    expect(sut.encode('the cat '.repeat(500), 10)).toHaveLength(17);
  });

  it('encodes the whole text when a piece holds a ▁ after its start (the text cannot be cut there)', () => {
    const list = pieceList();
    list.push([`${B}th`, -1], [`e${B}cat`, -1]);
    const sut = UnigramTokenizer.fromPieceList(list, { reservedIds: 3, maxTokens: 16 });
    expect(pieces(sut, sut.encode('the cat'))).toEqual([`${B}th`, `e${B}cat`]);
    const text = 'the cat '.repeat(100);
    expect(sut.encode(text, 3)).toEqual(sut.encode(text));
  });

  it('lists the words of a text for word-level analyses', () => {
    expect(makeSut().words("The cat's toy, 2 e-mails!")).toEqual(["The", "cat's", 'toy', '2', 'e-mails']);
  });

  it('rejects a piece list it cannot read', () => {
    expect(() => UnigramTokenizer.fromPieceList({ pieces: [] }, { reservedIds: 1, maxTokens: 8 })).toThrow(TokenizerFormatError);
    expect(() => UnigramTokenizer.fromPieceList([['a', 'x']], { reservedIds: 1, maxTokens: 8 })).toThrow('vocabulary entry 0 is not a [piece, score] pair');
    expect(() => UnigramTokenizer.fromPieceList(pieceList(), { reservedIds: 3, maxTokens: 0 })).toThrow(RangeError);
  });

  describe('from a Hugging Face tokenizer.json (XLM-R style)', () => {
    const tokenizerJson = (overrides: Record<string, unknown> = {}) => ({
      normalizer: { type: 'Sequence', normalizers: [{ type: 'Precompiled', precompiled_charsmap: 'AAAA' }, { type: 'Replace', pattern: { String: ' {2,}' }, content: ' ' }] },
      pre_tokenizer: { type: 'Metaspace', replacement: B, prepend_scheme: 'always', split: true },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '<s>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '</s>', type_id: 0 } }],
      },
      added_tokens: [
        { id: 0, content: '<s>', special: true },
        { id: 1, content: '<pad>', special: true },
        { id: 2, content: '</s>', special: true },
        { id: 3, content: '<unk>', special: true },
      ],
      model: {
        type: 'Unigram',
        unk_id: 3,
        byte_fallback: false,
        vocab: [['<s>', 0], ['<pad>', 0], ['</s>', 0], ['<unk>', 0], [`${B}the`, -2], [B, -3], ['t', -4], ['h', -4], ['e', -4], [`${B}cat`, -3], ['s', -4], [`${B}cats`, -6.5], ['a', -4], ['c', -4]],
      },
      ...overrides,
    });

    it('puts <s> … </s> around the pieces, normalises with NFKC and collapses whitespace', () => {
      const sut = UnigramTokenizer.fromTokenizerJson(tokenizerJson(), 16);
      expect(pieces(sut, sut.tokenize('  the   ｃａｔｓ ').ids)).toEqual(['<s>', `${B}the`, `${B}cats`, '</s>']);
    });

    it('scores an unknown character 10 below the rarest piece, so known pieces win where they can', () => {
      const sut = UnigramTokenizer.fromTokenizerJson(tokenizerJson(), 16);
      // "x" has no piece: one unknown; ▁ + unknown, not a longer unknown run.
      expect(pieces(sut, sut.encode('the xx'))).toEqual([`${B}the`, B, '<unk>']);
      expect(sut.tokenize('xx')).toMatchObject({ knownTokens: 0 });
    });

    it('cuts at the truncation length of the file when it is shorter than the manifest', () => {
      const sut = UnigramTokenizer.fromTokenizerJson(tokenizerJson({ truncation: { max_length: 4 } }), 512);
      const out = sut.tokenize('the cat the cat');
      expect(out.ids).toHaveLength(4);
      expect(pieces(sut, out.ids)).toEqual(['<s>', `${B}the`, `${B}cat`, '</s>']);
      expect(out.truncated).toBe(true);
    });

    it.each([
      [{ model: { type: 'WordPiece', vocab: {} } }, 'model type "WordPiece" is not Unigram'],
      [{ model: { type: 'Unigram', vocab: [['a', -1]], byte_fallback: true } }, 'byte_fallback is not supported'],
      [{ model: { type: 'Unigram', vocab: [] } }, 'no Unigram vocabulary'],
      [{ model: { type: 'Unigram', vocab: [['a', -1]] } }, 'names no unknown piece'],
      [{ normalizer: { type: 'BertNormalizer' } }, 'normalizer "BertNormalizer" is not supported for Unigram'],
      [{ pre_tokenizer: { type: 'ByteLevel' } }, 'pre_tokenizer "ByteLevel" is not supported'],
      [{ post_processor: { type: 'TemplateProcessing', single: [{ SpecialToken: { id: '<cls>' } }, { Sequence: { id: 'A' } }] } }, 'special token <cls> is not in the vocabulary'],
    ])('refuses a tokenizer.json it cannot follow (%#)', (overrides, message) => {
      expect(() => UnigramTokenizer.fromTokenizerJson(tokenizerJson(overrides), 16)).toThrow(message);
    });
  });

  it('loads for a pulled model whose manifest says tokenizer kind unigram', () => {
    const dir = mkdtempSync(join(tmpdir(), 'autoglm-unigram-'));
    try {
      const json = Buffer.from(
        JSON.stringify({
          pre_tokenizer: { type: 'Metaspace', replacement: B, add_prefix_space: true },
          post_processor: { type: 'RobertaProcessing', cls: ['<s>', 0], sep: ['</s>', 2] },
          model: { type: 'Unigram', unk_id: 1, vocab: [['<s>', 0], ['<unk>', 0], ['</s>', 0], [`${B}hi`, -1]] },
        }),
      );
      mkdirSync(join(dir, 'build', 'x'), { recursive: true });
      writeFileSync(join(dir, 'build', 'x', 'tokenizer.json'), json);
      const manifest = parseModelManifest(
        {
          name: 'x',
          version: 'main',
          dimension: 4,
          maxTokens: 8,
          pooling: 'mean',
          normalization: 'l2',
          tokenizer: { kind: 'unigram', vocabSize: 4 },
          outputs: [{ name: 'last_hidden_state', type: 'float32', shape: ['batch', 'sequence', 4] }],
          source: { package: 'test-org/x' },
          files: [
            { path: 'build/x/model.onnx', role: 'model', sha256: '0'.repeat(64) },
            { path: 'build/x/tokenizer.json', role: 'tokenizer', sha256: createHash('sha256').update(json).digest('hex') },
          ],
        },
        'test',
      );
      const sut = createTokenizer(dir, manifest);
      expect(sut).toBeInstanceOf(UnigramTokenizer);
      expect(sut.tokenize('hi').ids).toEqual([0, 3, 2]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
