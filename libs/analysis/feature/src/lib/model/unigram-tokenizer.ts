import type { TextTokenizer } from './text-tokenizer';
import { Vocabulary } from './vocabulary';
import type { TokenizedText } from './word-tokenizer';
import { TokenizerFormatError } from './wordpiece-tokenizer';

/** SentencePiece's word-boundary mark: a space, and the start of the text. */
export const WORD_BOUNDARY = '\u2581';

/** A first guess of the characters per piece when only the first pieces of a text are wanted (English averages ~4). */
const CHARACTERS_PER_PIECE_GUESS = 6;

/**
 * How the lattice breaks ties and covers characters: 'use-reference' as Universal Sentence
 * Encoder's reference tokenizer (unknown piece only where no piece starts, a tie goes to the later
 * candidate, a best score of 0 counts as unset); 'sentencepiece' as SentencePiece and Hugging Face
 * tokenizers (an unknown one-character piece wherever no one-character piece exists, the first of a
 * tie wins, whitespace trimmed and runs of it collapsed).
 */
export type UnigramLattice = 'use-reference' | 'sentencepiece';

export interface UnigramSettings {
  lattice: UnigramLattice;
  /** Pieces by id. */
  pieces: readonly string[];
  /** Log-probability of each piece (same order). */
  scores: readonly number[];
  /** Id given to a character no piece covers (consecutive ones become one). */
  unknownId: number;
  /** Score of that unknown piece in the lattice. */
  unknownScore: number;
  /** Ids never matched in text: control symbols (unknown, <s>, </s>, …). */
  controlIds: ReadonlySet<number>;
  normalizeForm?: 'NFC' | 'NFD' | 'NFKC' | 'NFKD';
  lowercase: boolean;
  /** Put before the text and after it (XLM-R style <s> … </s>); none for a bare SentencePiece model. */
  bosId?: number;
  eosId?: number;
  /** Most tokens of one input, bos/eos included. */
  maxTokens: number;
}

interface TrieNode {
  children: Map<string, TrieNode>;
  /** Id of the piece ending here, -1 when none does. */
  id: number;
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The normalisation steps of a Unigram tokenizer.json this tokenizer can follow. */
function unigramNormalization(normalizer: unknown): { normalizeForm?: UnigramSettings['normalizeForm']; lowercase: boolean } {
  const out: { normalizeForm?: UnigramSettings['normalizeForm']; lowercase: boolean } = { lowercase: false };
  const visit = (step: unknown): void => {
    if (step === null || step === undefined) return;
    if (!isObject(step)) throw new TokenizerFormatError('tokenizer.json normalizer is not an object');
    switch (step['type']) {
      case 'Sequence':
        for (const inner of Array.isArray(step['normalizers']) ? step['normalizers'] : []) visit(inner);
        return;
      // SentencePiece's compiled nmt_nfkc map: NFKC plus whitespace clean-up (done by the lattice).
      case 'Precompiled':
      case 'NFKC':
        out.normalizeForm = 'NFKC';
        return;
      case 'NFC':
      case 'NFD':
      case 'NFKD':
        out.normalizeForm = step['type'];
        return;
      case 'Lowercase':
        out.lowercase = true;
        return;
      // " {2,}" → " ": the lattice collapses whitespace runs anyway.
      case 'Replace':
      case 'Strip':
        return;
      default:
        throw new TokenizerFormatError(`tokenizer.json normalizer "${String(step['type'])}" is not supported for Unigram`);
    }
  };
  visit(normalizer);
  return out;
}

/** Only the Metaspace (▁) pre-tokenizer, alone or after whitespace splitting, matches the lattice. */
function checkMetaspace(pre: unknown): void {
  if (pre === null || pre === undefined) return;
  const steps = isObject(pre) && pre['type'] === 'Sequence' && Array.isArray(pre['pretokenizers']) ? pre['pretokenizers'] : [pre];
  for (const step of steps) {
    if (!isObject(step)) throw new TokenizerFormatError('tokenizer.json pre_tokenizer is not an object');
    if (step['type'] === 'WhitespaceSplit') continue;
    if (step['type'] !== 'Metaspace') throw new TokenizerFormatError(`tokenizer.json pre_tokenizer "${String(step['type'])}" is not supported for Unigram (Metaspace)`);
    if (typeof step['replacement'] === 'string' && step['replacement'] !== WORD_BOUNDARY) {
      throw new TokenizerFormatError(`Metaspace replacement "${step['replacement']}" is not ${WORD_BOUNDARY}`);
    }
    if (step['prepend_scheme'] === 'never' || step['add_prefix_space'] === false) throw new TokenizerFormatError('a Metaspace without the leading ▁ is not supported');
  }
}

/** The tokens put around a text: TemplateProcessing's special tokens, or RoBERTa/BERT processing's cls and sep. */
function sentenceMarks(post: unknown): { bos?: string; eos?: string } {
  if (!isObject(post)) return {};
  if ((post['type'] === 'RobertaProcessing' || post['type'] === 'BertProcessing') && Array.isArray(post['cls']) && Array.isArray(post['sep'])) {
    return { bos: String(post['cls'][0]), eos: String(post['sep'][0]) };
  }
  if (post['type'] === 'TemplateProcessing' && Array.isArray(post['single'])) {
    const steps = post['single'] as unknown[];
    const special = (step: unknown): string | undefined => (isObject(step) && isObject(step['SpecialToken']) ? String(step['SpecialToken']['id']) : undefined);
    const sequenceAt = steps.findIndex((step) => isObject(step) && isObject(step['Sequence']));
    if (sequenceAt < 0 || steps.length > sequenceAt + 2 || sequenceAt > 1) throw new TokenizerFormatError('the TemplateProcessing template is not [bos] $A [eos]');
    return { bos: sequenceAt === 1 ? special(steps[0]) : undefined, eos: steps.length === sequenceAt + 2 ? special(steps[sequenceAt + 1]) : undefined };
  }
  return {};
}

const WORD = /[\p{L}\p{M}\p{N}]+(?:['-][\p{L}\p{M}\p{N}]+)*/gu;
const CONTENT = /[\p{L}\p{N}]/u;

/**
 * A SentencePiece Unigram tokenizer: normalise (NFKC), mark word starts with ▁, then pick the
 * segmentation with the highest sum of piece log-probabilities (Viterbi over the lattice of pieces
 * a trie finds at each character). A character no piece starts with becomes the unknown piece.
 *
 * The lattice reproduces Universal Sentence Encoder's reference tokenizer exactly, including its
 * tie rules: among candidates ending at a position the last one with a score ≥ the best wins, a
 * position whose best score is still 0 counts as unset, and a run of unknown pieces becomes one.
 */
export class UnigramTokenizer implements TextTokenizer {
  readonly vocabulary: Vocabulary;
  private readonly root: TrieNode = { children: new Map(), id: -1 };
  /** Pieces that carry content (a letter or a digit), the ones counted as known tokens. */
  private readonly meaningful: boolean[];
  /** No piece holds a ▁ after its first symbol: a text may be cut before any ▁ (see encode). */
  private readonly boundariesSplit: boolean;

  constructor(private readonly settings: UnigramSettings) {
    const { pieces, scores, unknownId, maxTokens } = settings;
    if (pieces.length !== scores.length) throw new TokenizerFormatError(`${pieces.length} pieces but ${scores.length} scores`);
    if (!(unknownId >= 0 && unknownId < pieces.length)) throw new TokenizerFormatError(`unknown id ${unknownId} is not a piece`);
    const reserved = (settings.bosId !== undefined ? 1 : 0) + (settings.eosId !== undefined ? 1 : 0);
    if (maxTokens <= reserved) throw new RangeError('maxTokens must leave room for one token');
    pieces.forEach((piece, id) => {
      if (!settings.controlIds.has(id) && piece.length > 0) this.insert(piece, id);
    });
    // A text of only ▁, punctuation and unknown characters (e.g. Chinese for an English model) has
    // no meaningful vector: such pieces are never "known", so the text gets none.
    this.meaningful = pieces.map((piece, id) => !settings.controlIds.has(id) && CONTENT.test(piece));
    this.boundariesSplit = pieces.every((piece, id) => settings.controlIds.has(id) || !piece.includes(WORD_BOUNDARY, 1));
    // Piece ids carry no frequency rank: the id stands in for it (keywords use it only as a tie-breaker).
    this.vocabulary = new Vocabulary(pieces, pieces.map((_, i) => i));
  }

  /**
   * Reads a SentencePiece piece list ([[piece, score], …], id = position), the format Universal
   * Sentence Encoder ships; the first `reservedIds` entries are control symbols, id 0 the unknown piece.
   */
  static fromPieceList(
    json: unknown,
    options: { reservedIds: number; maxTokens: number; normalizeForm?: UnigramSettings['normalizeForm']; lowercase?: boolean },
  ): UnigramTokenizer {
    if (!Array.isArray(json) || json.length === 0) throw new TokenizerFormatError('the vocabulary is not a list of [piece, score] pairs');
    const pieces: string[] = [];
    const scores: number[] = [];
    json.forEach((entry: unknown, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || (typeof entry[1] !== 'number' && entry[1] !== null)) {
        throw new TokenizerFormatError(`vocabulary entry ${id} is not a [piece, score] pair`);
      }
      pieces.push(entry[0]);
      // USE's list has a few null scores (":", "://"); its reference tokenizer adds them as 0.
      scores.push(entry[1] ?? 0);
    });
    return new UnigramTokenizer({
      lattice: 'use-reference',
      pieces,
      scores,
      unknownId: 0,
      // The reference scores an unknown character 0, above every piece.
      unknownScore: 0,
      controlIds: new Set(Array.from({ length: Math.min(options.reservedIds, pieces.length) }, (_, i) => i)),
      normalizeForm: options.normalizeForm ?? 'NFKC',
      lowercase: options.lowercase ?? false,
      maxTokens: options.maxTokens,
    });
  }

  /**
   * Reads a Hugging Face tokenizer.json whose model is Unigram (XLM-R style: multilingual-e5,
   * bge-m3, paraphrase-multilingual): pieces with scores, the unknown id, NFKC-like normalisation
   * (Precompiled is read as NFKC), the Metaspace ▁ and the <s> … </s> template.
   */
  static fromTokenizerJson(json: unknown, maxTokens: number): UnigramTokenizer {
    if (!isObject(json) || !isObject(json['model'])) throw new TokenizerFormatError('tokenizer.json has no "model" object');
    const model = json['model'];
    if (model['type'] !== 'Unigram') throw new TokenizerFormatError(`tokenizer.json model type "${String(model['type'])}" is not Unigram`);
    if (model['byte_fallback'] === true) throw new TokenizerFormatError('a Unigram model with byte_fallback is not supported');
    const vocab = model['vocab'];
    if (!Array.isArray(vocab) || vocab.length === 0) throw new TokenizerFormatError('tokenizer.json has no Unigram vocabulary');
    const pieces: string[] = [];
    const scores: number[] = [];
    vocab.forEach((entry: unknown, id) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string' || typeof entry[1] !== 'number') {
        throw new TokenizerFormatError(`vocabulary entry ${id} is not a [piece, score] pair`);
      }
      pieces.push(entry[0]);
      scores.push(entry[1]);
    });
    const unknownId = Number.isInteger(model['unk_id']) ? (model['unk_id'] as number) : pieces.indexOf('<unk>');
    if (unknownId < 0 || unknownId >= pieces.length) throw new TokenizerFormatError('tokenizer.json names no unknown piece (unk_id)');
    const { normalizeForm, lowercase } = unigramNormalization(json['normalizer']);
    checkMetaspace(json['pre_tokenizer']);
    const ids = new Map(pieces.map((p, i) => [p, i]));
    const special = new Set<number>([unknownId]);
    for (const token of Array.isArray(json['added_tokens']) ? json['added_tokens'] : []) {
      if (isObject(token) && token['special'] === true && Number.isInteger(token['id'])) special.add(token['id'] as number);
    }
    const { bos, eos } = sentenceMarks(json['post_processor']);
    const idOf = (token: string | undefined): number | undefined => {
      if (token === undefined) return undefined;
      const id = ids.get(token);
      if (id === undefined) throw new TokenizerFormatError(`the special token ${token} is not in the vocabulary`);
      return id;
    };
    const truncation = json['truncation'];
    const limit = isObject(truncation) && Number.isInteger(truncation['max_length']) ? Math.min(maxTokens, truncation['max_length'] as number) : maxTokens;
    return new UnigramTokenizer({
      lattice: 'sentencepiece',
      pieces,
      scores,
      unknownId,
      // Hugging Face and SentencePiece score an unknown character 10 below the rarest piece.
      unknownScore: scores.reduce((min, x) => Math.min(min, x), Infinity) - 10,
      controlIds: special,
      normalizeForm,
      lowercase,
      bosId: idOf(bos),
      eosId: idOf(eos),
      maxTokens: limit,
    });
  }

  /** The text as the lattice sees it: normalised, a ▁ before it and instead of every space. */
  normalize(text: string): string {
    let out = this.settings.normalizeForm ? text.normalize(this.settings.normalizeForm) : text;
    if (this.settings.lowercase) out = out.toLowerCase();
    if (this.settings.lattice === 'sentencepiece') out = out.trim().replace(/\s+/g, ' ');
    return out.length > 0 ? WORD_BOUNDARY + out.replace(/ /g, WORD_BOUNDARY) : out;
  }

  words(text: string): string[] {
    let out = this.settings.normalizeForm ? text.normalize(this.settings.normalizeForm) : text;
    if (this.settings.lowercase) out = out.toLowerCase();
    return out.match(WORD) ?? [];
  }

  /**
   * Piece ids of a text, without bos/eos; stops once more than `limit` ids are found (the ids then are the
   * first ones of the whole text's, at least limit + 1 of them).
   *
   * When no piece holds a ▁ but as its first symbol, every segmentation passes through each ▁ position and
   * the best one of the text up to a ▁ is the start of the whole text's best one: a long text is cut at a ▁
   * after a guess of the characters `limit` pieces need, and the guess doubles until the part gives more
   * than `limit` ids or is the whole text. A 4.8 KB article cut to 128 pieces runs the lattice on ~1 KB.
   */
  encode(text: string, limit = Number.POSITIVE_INFINITY): number[] {
    const symbols = [...this.normalize(text)];
    if (!Number.isFinite(limit) || !this.boundariesSplit) return this.lattice(symbols);
    for (let budget = (limit + 1) * CHARACTERS_PER_PIECE_GUESS; ; budget *= 2) {
      const cut = budget >= symbols.length ? -1 : symbols.indexOf(WORD_BOUNDARY, budget);
      if (cut < 0) return this.lattice(symbols);
      const ids = this.lattice(symbols.slice(0, cut));
      if (ids.length > limit) return ids;
    }
  }

  /** The best segmentation of the (normalised) symbols. */
  private lattice(symbols: readonly string[]): number[] {
    const n = symbols.length;
    const { scores, unknownId, unknownScore, lattice } = this.settings;
    const reference = lattice === 'use-reference';
    // best[i]: score of the best segmentation of symbols[0, i). The reference takes 0 for unset
    // (scores are ≤ 0); SentencePiece starts from -∞ everywhere but the start.
    const best = new Float64Array(n + 1).fill(reference ? 0 : -Infinity);
    best[0] = 0;
    const bestId = new Int32Array(n + 1).fill(unknownId);
    const bestLength = new Int32Array(n + 1).fill(1);
    const consider = (end: number, start: number, id: number, score: number): void => {
      const total = score + (best[start] as number);
      const better = reference ? best[end] === 0 || total >= (best[end] as number) : total > (best[end] as number);
      if (better) {
        best[end] = total;
        bestId[end] = id;
        bestLength[end] = end - start;
      }
    };
    // Candidates of one end position arrive in order of their start, as in the reference.
    for (let start = 0; start < n; start++) {
      let node: TrieNode | undefined = this.root;
      let matched = false;
      let singleCharacter = false;
      for (let end = start + 1; end <= n && node; end++) {
        node = node.children.get(symbols[end - 1] as string);
        if (node && node.id >= 0) {
          matched = true;
          if (end === start + 1) singleCharacter = true;
          consider(end, start, node.id, scores[node.id] as number);
        }
      }
      if (reference ? !matched : !singleCharacter) consider(start + 1, start, unknownId, unknownScore);
    }
    const ids: number[] = [];
    for (let end = n; end > 0; ) {
      const id = bestId[end] as number;
      // A run of unknown characters is one unknown piece.
      if (!(id === unknownId && ids[ids.length - 1] === unknownId)) ids.push(id);
      end -= bestLength[end] as number;
    }
    return ids.reverse();
  }

  tokenize(text: string, prefix = ''): TokenizedText {
    const { bosId, eosId, maxTokens } = this.settings;
    const room = maxTokens - (bosId !== undefined ? 1 : 0) - (eosId !== undefined ? 1 : 0);
    const all = this.encode(prefix + text, room);
    const kept = all.slice(0, room);
    const known = (ids: number[]) => ids.filter((id) => this.meaningful[id]).length;
    // The prefix's pieces never count as known tokens of the text (pieces may span both, so count the text alone).
    const knownTokens = prefix ? Math.min(known(this.encode(text, room)), known(kept)) : known(kept);
    const ids = [...(bosId !== undefined ? [bosId] : []), ...kept, ...(eosId !== undefined ? [eosId] : [])];
    return { ids, weights: ids.map(() => 1), knownTokens, truncated: all.length > room };
  }

  private insert(piece: string, id: number): void {
    let node = this.root;
    for (const symbol of piece) {
      let next = node.children.get(symbol);
      if (!next) {
        next = { children: new Map(), id: -1 };
        node.children.set(symbol, next);
      }
      node = next;
    }
    // A duplicate piece keeps its last id, as the reference's trie does.
    node.id = id;
  }
}
