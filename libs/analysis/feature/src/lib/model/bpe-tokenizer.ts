import type { TextTokenizer } from './text-tokenizer';
import { Vocabulary } from './vocabulary';
import type { TokenizedText } from './word-tokenizer';
import { TokenizerFormatError } from './wordpiece-tokenizer';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** One normalisation step of a BPE tokenizer.json this tokenizer can follow. */
export type BpeNormalizerStep = { kind: 'unicode'; form: 'NFC' | 'NFD' | 'NFKC' | 'NFKD' } | { kind: 'lowercase' };

/** One pre-tokenization step: each splits every piece the previous step produced. */
export type BpePreTokenizerStep =
  | { kind: 'byte-level'; addPrefixSpace: boolean; useRegex: boolean }
  | { kind: 'metaspace'; replacement: string; prependScheme: 'always' | 'first' | 'never'; split: boolean }
  | { kind: 'whitespace' }
  | { kind: 'whitespace-split' };

export interface BpeSettings {
  /** Token → id of the BPE model. */
  vocab: ReadonlyMap<string, number>;
  /** Merge pairs, highest priority first (rank = index). */
  merges: readonly (readonly [string, string])[];
  /** Tokens by id beyond the model vocabulary (added tokens: <s>, <mask>, …), for the vocabulary listing. */
  addedTokens?: ReadonlyMap<number, string>;
  unkToken?: string;
  continuingSubwordPrefix?: string;
  endOfWordSuffix?: string;
  /** Consecutive unknown characters become one unknown token. */
  fuseUnk: boolean;
  /** A character with no token becomes its UTF-8 bytes as <0xNN> tokens, when all of them exist. */
  byteFallback: boolean;
  /** A word that is a token as a whole is that token, without merging (Llama 3 style). */
  ignoreMerges: boolean;
  normalizer: readonly BpeNormalizerStep[];
  preTokenizer: readonly BpePreTokenizerStep[];
  /** Ids put before and after the text by the post-processor (<s> … </s>, [CLS] … [SEP], or none). */
  before: readonly number[];
  after: readonly number[];
  /** Most tokens of one input, special tokens included. */
  maxTokens: number;
}

/** GPT-2's reversible map of the 256 byte values onto printable characters (so no byte is whitespace or a control). */
function byteLevelAlphabet(): string[] {
  const out: string[] = new Array<string>(256);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
    out[b] = String.fromCharCode(printable ? b : 256 + shifted++);
  }
  return out;
}
const BYTE_CHARS = byteLevelAlphabet();

// GPT-2's split: contractions, letter runs, number runs, other-symbol runs (each with one leading space), whitespace.
// \p{White_Space} stands for the Unicode \s of the reference regex engine (JavaScript's \s also takes U+FEFF).
const GPT2_SPLIT = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\p{White_Space}\p{L}\p{N}]+|\p{White_Space}+(?!\P{White_Space})|\p{White_Space}+/gu;
// The Whitespace pre-tokenizer: runs of word characters (Unicode \w) or of other non-space characters.
const WORD_OR_SYMBOLS = /[\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}]+|[^\p{Alphabetic}\p{M}\p{Nd}\p{Pc}\p{Join_Control}\p{White_Space}]+/gu;
const NON_SPACE = /\P{White_Space}+/gu;
const WORD = /[\p{L}\p{M}\p{N}]+(?:['-][\p{L}\p{M}\p{N}]+)*/gu;

/** Words longer than this (characters) are not cached: long runs without spaces are rare and would crowd the cache. */
const CACHED_WORD_LENGTH = 256;
const CACHE_ENTRIES = 20_000;

function parseNormalizer(normalizer: unknown): BpeNormalizerStep[] {
  const steps: BpeNormalizerStep[] = [];
  const visit = (step: unknown): void => {
    if (step === null || step === undefined) return;
    if (!isObject(step)) throw new TokenizerFormatError('tokenizer.json normalizer is not an object');
    switch (step['type']) {
      case 'Sequence':
        if (!Array.isArray(step['normalizers'])) throw new TokenizerFormatError('the normalizer Sequence has no "normalizers" list');
        for (const inner of step['normalizers']) visit(inner);
        return;
      case 'NFC':
      case 'NFD':
      case 'NFKC':
      case 'NFKD':
        steps.push({ kind: 'unicode', form: step['type'] });
        return;
      case 'Lowercase':
        steps.push({ kind: 'lowercase' });
        return;
      default:
        throw new TokenizerFormatError(
          `tokenizer.json normalizer "${String(step['type'])}" is not supported for BPE (NFC, NFD, NFKC, NFKD, Lowercase, Sequence)`,
        );
    }
  };
  visit(normalizer);
  return steps;
}

function parsePreTokenizer(pre: unknown): BpePreTokenizerStep[] {
  const steps: BpePreTokenizerStep[] = [];
  const visit = (step: unknown): void => {
    if (step === null || step === undefined) return;
    if (!isObject(step)) throw new TokenizerFormatError('tokenizer.json pre_tokenizer is not an object');
    switch (step['type']) {
      case 'Sequence':
        if (!Array.isArray(step['pretokenizers'])) throw new TokenizerFormatError('the pre_tokenizer Sequence has no "pretokenizers" list');
        for (const inner of step['pretokenizers']) visit(inner);
        return;
      case 'ByteLevel':
        // Unset fields take the reference defaults (prefix space and the GPT-2 split on).
        steps.push({ kind: 'byte-level', addPrefixSpace: step['add_prefix_space'] !== false, useRegex: step['use_regex'] !== false });
        return;
      case 'Metaspace': {
        const replacement = step['replacement'] ?? '\u2581';
        if (typeof replacement !== 'string' || [...replacement].length !== 1) {
          throw new TokenizerFormatError(`Metaspace replacement ${JSON.stringify(replacement)} is not one character`);
        }
        const scheme = step['prepend_scheme'];
        // Older files say add_prefix_space (true = always) instead of prepend_scheme.
        const prependScheme = scheme === undefined ? (step['add_prefix_space'] === false ? 'never' : 'always') : scheme;
        if (prependScheme !== 'always' && prependScheme !== 'first' && prependScheme !== 'never') {
          throw new TokenizerFormatError(`Metaspace prepend_scheme ${JSON.stringify(scheme)} is not always, first or never`);
        }
        steps.push({ kind: 'metaspace', replacement, prependScheme, split: step['split'] !== false });
        return;
      }
      case 'Whitespace':
        steps.push({ kind: 'whitespace' });
        return;
      case 'WhitespaceSplit':
        steps.push({ kind: 'whitespace-split' });
        return;
      default:
        throw new TokenizerFormatError(
          `tokenizer.json pre_tokenizer "${String(step['type'])}" is not supported for BPE (ByteLevel, Metaspace, Whitespace, WhitespaceSplit, Sequence)`,
        );
    }
  };
  visit(pre);
  return steps;
}

/** The ids a post-processor puts around one text; `idOf` finds a special token's id by its content. */
function parsePostProcessor(post: unknown, idOf: (token: string) => number | undefined): { before: number[]; after: number[] } {
  const none = { before: [] as number[], after: [] as number[] };
  if (post === null || post === undefined) return none;
  if (!isObject(post)) throw new TokenizerFormatError('tokenizer.json post_processor is not an object');
  const known = (token: string): number => {
    const id = idOf(token);
    if (id === undefined) throw new TokenizerFormatError(`the special token ${token} is not in the vocabulary`);
    return id;
  };
  switch (post['type']) {
    // Only fixes offsets (GPT-2): no tokens.
    case 'ByteLevel':
      return none;
    case 'RobertaProcessing':
    case 'BertProcessing': {
      const pair = (field: 'cls' | 'sep'): number => {
        const value = post[field];
        if (!Array.isArray(value) || typeof value[0] !== 'string') throw new TokenizerFormatError(`${post['type']} has no "${field}" token`);
        return Number.isInteger(value[1]) && (value[1] as number) >= 0 ? (value[1] as number) : known(value[0]);
      };
      return { before: [pair('cls')], after: [pair('sep')] };
    }
    case 'TemplateProcessing': {
      const single = post['single'];
      if (!Array.isArray(single)) throw new TokenizerFormatError('TemplateProcessing has no "single" template');
      const specials = isObject(post['special_tokens']) ? post['special_tokens'] : {};
      const out = { before: [] as number[], after: [] as number[] };
      let seen = false;
      for (const step of single) {
        if (isObject(step) && isObject(step['Sequence'])) {
          if (seen || step['Sequence']['id'] !== 'A') throw new TokenizerFormatError('the TemplateProcessing template is not [specials] $A [specials]');
          seen = true;
        } else if (isObject(step) && isObject(step['SpecialToken']) && typeof step['SpecialToken']['id'] === 'string') {
          const token = step['SpecialToken']['id'];
          const entry = specials[token];
          const ids =
            isObject(entry) && Array.isArray(entry['ids']) && entry['ids'].every((x) => Number.isInteger(x) && (x as number) >= 0)
              ? (entry['ids'] as number[])
              : [known(token)];
          (seen ? out.after : out.before).push(...ids);
        } else {
          throw new TokenizerFormatError('a TemplateProcessing step is neither a SpecialToken nor the Sequence');
        }
      }
      if (!seen) throw new TokenizerFormatError('the TemplateProcessing template has no $A sequence');
      return out;
    }
    case 'Sequence': {
      const parts = Array.isArray(post['processors']) ? post['processors'].map((inner) => parsePostProcessor(inner, idOf)) : [];
      const adding = parts.filter((p) => p.before.length + p.after.length > 0);
      if (adding.length > 1) throw new TokenizerFormatError('a post_processor Sequence adds special tokens twice');
      return adding[0] ?? none;
    }
    default:
      throw new TokenizerFormatError(
        `tokenizer.json post_processor "${String(post['type'])}" is not supported for BPE (RobertaProcessing, BertProcessing, TemplateProcessing, ByteLevel)`,
      );
  }
}

function parseMerges(merges: unknown): [string, string][] {
  if (!Array.isArray(merges)) throw new TokenizerFormatError('tokenizer.json has no BPE "merges" list');
  return merges.map((merge: unknown, rank) => {
    if (typeof merge === 'string') {
      const parts = merge.split(' ');
      if (parts.length !== 2) throw new TokenizerFormatError(`merge ${rank} ${JSON.stringify(merge)} is not two tokens separated by one space`);
      return parts as [string, string];
    }
    if (Array.isArray(merge) && merge.length === 2 && typeof merge[0] === 'string' && typeof merge[1] === 'string') return [merge[0], merge[1]];
    throw new TokenizerFormatError(`merge ${rank} ${JSON.stringify(merge)} is neither "a b" nor [a, b]`);
  });
}

/** A min-heap of numbers (merge candidates encoded as rank × word length + position). */
class NumberHeap {
  private readonly items: number[] = [];

  get size(): number {
    return this.items.length;
  }

  push(x: number): void {
    const a = this.items;
    let i = a.push(x) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((a[parent] as number) <= x) break;
      a[i] = a[parent] as number;
      i = parent;
    }
    a[i] = x;
  }

  pop(): number {
    const a = this.items;
    const top = a[0] as number;
    const last = a.pop() as number;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= a.length) break;
        const right = left + 1;
        const child = right < a.length && (a[right] as number) < (a[left] as number) ? right : left;
        if ((a[child] as number) >= last) break;
        a[i] = a[child] as number;
        i = child;
      }
      a[i] = last;
    }
    return top;
  }
}

/**
 * Byte-pair encoding from a Hugging Face tokenizer.json (RoBERTa / GPT-2 byte-level, SentencePiece-style
 * Metaspace BPE with byte fallback, or whitespace-split BPE): normalise, pre-tokenize into words, split
 * each word into characters (continuation prefix / end-of-word suffix added), then merge adjacent pairs
 * lowest merge rank first (leftmost on a tie) until no pair is a merge; special tokens around the text.
 */
export class BpeTokenizer implements TextTokenizer {
  readonly vocabulary: Vocabulary;
  private readonly tokenCount: number;
  /** Merge index (= rank) of a pair keyed by left id × tokenCount + right id. */
  private readonly mergeOfPair = new Map<number, number>();
  private readonly mergedId: Int32Array;
  private readonly unkId: number | undefined;
  private readonly byteIds: (number | undefined)[] | undefined;
  private readonly cache = new Map<string, readonly number[]>();

  constructor(private readonly settings: BpeSettings) {
    const { vocab } = settings;
    const tokens: string[] = [];
    for (const [token, id] of vocab) {
      if (!Number.isInteger(id) || id < 0) throw new TokenizerFormatError(`token ${token} has no valid id`);
      tokens[id] = token;
    }
    for (const [id, token] of settings.addedTokens ?? []) tokens[id] ??= token;
    for (let i = 0; i < tokens.length; i++) tokens[i] ??= `[unused-id-${i}]`;
    this.tokenCount = tokens.length;
    // BPE ids carry no frequency rank: the id stands in for it (keywords use it only as a tie-breaker).
    this.vocabulary = new Vocabulary(tokens, tokens.map((_, i) => i));

    const prefix = settings.continuingSubwordPrefix ?? '';
    this.mergedId = new Int32Array(settings.merges.length);
    settings.merges.forEach(([a, b], rank) => {
      const left = vocab.get(a);
      const right = vocab.get(b);
      // The continuation prefix of the right part is dropped in the merged token ("un" + "##aff" → "unaff").
      const merged = a + (prefix && b.startsWith(prefix) ? b.slice(prefix.length) : b);
      const id = vocab.get(merged);
      for (const [part, partId] of [[a, left], [b, right], [merged, id]] as const) {
        if (partId === undefined) throw new TokenizerFormatError(`merge ${rank} "${a} ${b}" needs ${part}, which is not in the vocabulary`);
      }
      // A repeated pair keeps its last rank, as the reference does.
      this.mergeOfPair.set((left as number) * this.tokenCount + (right as number), rank);
      this.mergedId[rank] = id as number;
    });

    if (settings.unkToken !== undefined) {
      this.unkId = vocab.get(settings.unkToken);
      if (this.unkId === undefined) throw new TokenizerFormatError(`the unknown token ${settings.unkToken} is not in the vocabulary`);
    }
    if (settings.byteFallback) {
      this.byteIds = Array.from({ length: 256 }, (_, b) => vocab.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`));
    }
    const specials = settings.before.length + settings.after.length;
    if (settings.maxTokens < specials + 1) throw new RangeError(`maxTokens ${settings.maxTokens} leaves no room beside ${specials} special token(s)`);
  }

  /**
   * Reads a tokenizer.json whose model is BPE (RoBERTa, GPT-2 style byte-level models; Metaspace BPE
   * with byte fallback). Refuses, naming it, every part it cannot follow exactly.
   */
  static fromTokenizerJson(json: unknown, maxTokens: number): BpeTokenizer {
    if (!isObject(json) || !isObject(json['model'])) throw new TokenizerFormatError('tokenizer.json has no "model" object');
    const model = json['model'];
    if (model['type'] !== 'BPE') throw new TokenizerFormatError(`tokenizer.json model type "${String(model['type'])}" is not BPE`);
    const dropout = model['dropout'];
    if (dropout !== null && dropout !== undefined && dropout !== 0) {
      throw new TokenizerFormatError(
        `BPE dropout ${JSON.stringify(dropout)} is not supported: it samples random segmentations (a training aid); inference needs "dropout": null`,
      );
    }
    const vocabJson = model['vocab'];
    if (!isObject(vocabJson)) throw new TokenizerFormatError('tokenizer.json has no BPE vocabulary');
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(vocabJson)) {
      if (!Number.isInteger(id) || (id as number) < 0) throw new TokenizerFormatError(`token ${token} has no valid id`);
      vocab.set(token, id as number);
    }
    const addedTokens = new Map<number, string>();
    for (const added of Array.isArray(json['added_tokens']) ? json['added_tokens'] : []) {
      if (isObject(added) && Number.isInteger(added['id']) && typeof added['content'] === 'string') addedTokens.set(added['id'] as number, added['content']);
    }
    const addedIds = new Map([...addedTokens].map(([id, token]) => [token, id]));
    const text = (field: string): string | undefined => (typeof model[field] === 'string' && model[field] !== '' ? (model[field] as string) : undefined);
    const { before, after } = parsePostProcessor(json['post_processor'], (token) => vocab.get(token) ?? addedIds.get(token));
    const truncation = json['truncation'];
    const limit = isObject(truncation) && Number.isInteger(truncation['max_length']) ? Math.min(maxTokens, truncation['max_length'] as number) : maxTokens;
    return new BpeTokenizer({
      vocab,
      merges: parseMerges(model['merges']),
      addedTokens,
      unkToken: text('unk_token'),
      continuingSubwordPrefix: text('continuing_subword_prefix'),
      endOfWordSuffix: text('end_of_word_suffix'),
      fuseUnk: model['fuse_unk'] === true,
      byteFallback: model['byte_fallback'] === true,
      ignoreMerges: model['ignore_merges'] === true,
      normalizer: parseNormalizer(json['normalizer']),
      preTokenizer: parsePreTokenizer(json['pre_tokenizer']),
      before,
      after,
      maxTokens: limit,
    });
  }

  /** The text after the normalizer steps. */
  normalize(text: string): string {
    let out = text;
    for (const step of this.settings.normalizer) out = step.kind === 'lowercase' ? out.toLowerCase() : out.normalize(step.form);
    return out;
  }

  /** The words BPE merges within, as the pre-tokenizer steps split (and byte-level maps) the normalised text. */
  preTokenize(text: string): string[] {
    let pieces = [this.normalize(text)].filter((p) => p.length > 0);
    for (const step of this.settings.preTokenizer) {
      const next: string[] = [];
      pieces.forEach((piece, index) => {
        for (const part of splitPiece(step, piece, index === 0)) if (part.length > 0) next.push(part);
      });
      pieces = next;
    }
    return pieces;
  }

  words(text: string): string[] {
    return this.normalize(text).match(WORD) ?? [];
  }

  /** Token ids of one pre-tokenized word. */
  wordIds(word: string): readonly number[] {
    const cached = this.cache.get(word);
    if (cached) return cached;
    const ids = this.settings.ignoreMerges && this.settings.vocab.has(word) ? [this.settings.vocab.get(word) as number] : this.merge(this.symbols(word));
    if (word.length <= CACHED_WORD_LENGTH) {
      if (this.cache.size >= CACHE_ENTRIES) this.cache.clear();
      this.cache.set(word, ids);
    }
    return ids;
  }

  /** Token ids of a text, without special tokens; stops once more than `limit` ids are found. */
  encode(text: string, limit = Number.POSITIVE_INFINITY): number[] {
    const ids: number[] = [];
    for (const word of this.preTokenize(text)) {
      for (const id of this.wordIds(word)) ids.push(id);
      if (ids.length > limit) break;
    }
    return ids;
  }

  tokenize(text: string, prefix = ''): TokenizedText {
    const { before, after, maxTokens } = this.settings;
    const room = maxTokens - before.length - after.length;
    const all = this.encode(prefix + text, room);
    const kept = all.slice(0, room);
    const known = (ids: readonly number[]) => ids.reduce((n, id) => (id === this.unkId ? n : n + 1), 0);
    // The prefix's tokens never count as known tokens of the text (a token may span both, so count the text alone).
    const knownTokens = prefix ? Math.min(known(this.encode(text, room)), known(kept)) : known(kept);
    const ids = [...before, ...kept, ...after];
    return { ids, weights: ids.map(() => 1), knownTokens, truncated: all.length > room };
  }

  /** The word's initial symbols: one token per character (prefix/suffix added), byte tokens or unknown where none exists. */
  private symbols(word: string): number[] {
    const { vocab, continuingSubwordPrefix, endOfWordSuffix, fuseUnk } = this.settings;
    const out: number[] = [];
    const chars = [...word];
    let pendingUnk = false;
    chars.forEach((char, i) => {
      let symbol = char;
      if (continuingSubwordPrefix && i > 0) symbol = continuingSubwordPrefix + symbol;
      if (endOfWordSuffix && i === chars.length - 1) symbol += endOfWordSuffix;
      const id = vocab.get(symbol);
      if (id !== undefined) {
        out.push(id);
        pendingUnk = false;
        return;
      }
      const bytes = this.byteIds ? Array.from(Buffer.from(symbol, 'utf8'), (b) => this.byteIds?.[b]) : undefined;
      if (bytes?.every((b) => b !== undefined)) {
        out.push(...(bytes as number[]));
        pendingUnk = false;
        return;
      }
      // Without an unknown token an unknown character is dropped, as in the reference.
      if (this.unkId === undefined) return;
      if (!(fuseUnk && pendingUnk)) out.push(this.unkId);
      pendingUnk = true;
    });
    return out;
  }

  /** Merges a word's symbols: always the pair of lowest rank, the leftmost of equals (a heap of candidates over a linked list). */
  private merge(symbols: number[]): number[] {
    const n = symbols.length;
    if (n < 2) return symbols;
    const ids = Int32Array.from(symbols);
    const next = Int32Array.from({ length: n }, (_, i) => (i + 1 < n ? i + 1 : -1));
    const prev = Int32Array.from({ length: n }, (_, i) => i - 1);
    const alive = new Uint8Array(n).fill(1);
    const heap = new NumberHeap();
    const rankAt = (i: number): number | undefined => {
      const j = next[i] as number;
      return j < 0 ? undefined : this.mergeOfPair.get((ids[i] as number) * this.tokenCount + (ids[j] as number));
    };
    const offer = (i: number): void => {
      const rank = rankAt(i);
      if (rank !== undefined) heap.push(rank * n + i);
    };
    for (let i = 0; i < n - 1; i++) offer(i);
    while (heap.size > 0) {
      const key = heap.pop();
      const i = key % n;
      const rank = (key - i) / n;
      // Stale candidate: its left symbol was absorbed, or either side changed since it was offered.
      if (!alive[i] || rankAt(i) !== rank) continue;
      const j = next[i] as number;
      ids[i] = this.mergedId[rank] as number;
      alive[j] = 0;
      const after = next[j] as number;
      next[i] = after;
      if (after >= 0) prev[after] = i;
      if ((prev[i] as number) >= 0) offer(prev[i] as number);
      offer(i);
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i] as number) out.push(ids[i] as number);
    return out;
  }
}

/** One pre-tokenizer step on one piece; `first` says the piece starts the text (Metaspace's "first" scheme). */
function splitPiece(step: BpePreTokenizerStep, piece: string, first: boolean): string[] {
  switch (step.kind) {
    case 'whitespace':
      return piece.match(WORD_OR_SYMBOLS) ?? [];
    case 'whitespace-split':
      return piece.match(NON_SPACE) ?? [];
    case 'byte-level': {
      const text = step.addPrefixSpace && !piece.startsWith(' ') ? ` ${piece}` : piece;
      const parts = step.useRegex ? (text.match(GPT2_SPLIT) ?? []) : [text];
      return parts.map((part) => {
        let mapped = '';
        for (const b of Buffer.from(part, 'utf8')) mapped += BYTE_CHARS[b] as string;
        return mapped;
      });
    }
    case 'metaspace': {
      const { replacement } = step;
      let text = piece.split(' ').join(replacement);
      const prepend = step.prependScheme === 'always' || (step.prependScheme === 'first' && first);
      if (prepend && !text.startsWith(replacement)) text = replacement + text;
      if (!step.split) return [text];
      // Each replacement character starts a new word and stays with it ("▁a▁▁b" → "▁a", "▁", "▁b").
      const parts: string[] = [];
      let current = '';
      for (const c of text) {
        if (c === replacement && current) {
          parts.push(current);
          current = '';
        }
        current += c;
      }
      if (current) parts.push(current);
      return parts;
    }
  }
}
