import type { TextTokenizer } from './text-tokenizer';
import { Vocabulary } from './vocabulary';
import type { TokenizedText } from './word-tokenizer';

/** The BertNormalizer settings of a tokenizer.json. */
export interface BertNormalization {
  cleanText: boolean;
  handleChineseChars: boolean;
  stripAccents: boolean;
  lowercase: boolean;
}

export interface WordpieceSettings {
  /** Tokens by id. */
  tokens: readonly string[];
  normalization: BertNormalization;
  continuingSubwordPrefix: string;
  maxInputCharsPerWord: number;
  unkToken: string;
  clsToken: string;
  sepToken: string;
  padToken: string;
  /** Most tokens of one input, [CLS] and [SEP] included. */
  maxTokens: number;
}

/** A tokenizer.json that cannot run here; the message names what is wrong. */
export class TokenizerFormatError extends Error {
  override name = 'TokenizerFormatError';
}

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

// CJK ideograph blocks BERT puts spaces around (each character becomes a word).
const CJK = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u{20000}-\u{2a6df}\u{2a700}-\u{2b73f}\u{2b740}-\u{2b81f}\u{2b820}-\u{2ceaf}\u{2f800}-\u{2fa1f}]/gu;
// Controls and format characters BERT's clean_text removes (tab, newline and carriage return are whitespace).
const CONTROL = /[\0\ufffd]|(?![\t\n\r])[\p{Cc}\p{Cf}]/gu;
const WHITESPACE = /[\s\p{Zs}]+/u;
// BERT counts every non-alphanumeric ASCII character as punctuation, plus Unicode P*.
const PUNCTUATION = /^[\p{P}!-/:-@[-`{-~]$/u;

/**
 * BERT's WordPiece tokenizer, configured from a Hugging Face tokenizer.json: BertNormalizer (clean
 * text, spaces around Chinese characters, strip accents, lower-case), BertPreTokenizer (whitespace,
 * each punctuation character its own word), greedy longest-match WordPiece with "##" continuations,
 * then [CLS] … [SEP], cut to maxTokens.
 */
export class WordpieceTokenizer implements TextTokenizer {
  readonly vocabulary: Vocabulary;
  private readonly ids = new Map<string, number>();
  private readonly unkId: number;
  private readonly clsId: number;
  private readonly sepId: number;
  readonly padId: number;

  constructor(private readonly settings: WordpieceSettings) {
    settings.tokens.forEach((t, id) => this.ids.set(t, id));
    // WordPiece ids carry no frequency rank: the id stands in for it (keywords use it only as a tie-breaker).
    this.vocabulary = new Vocabulary(settings.tokens, settings.tokens.map((_, i) => i));
    const idOf = (token: string, role: string): number => {
      const id = this.ids.get(token);
      if (id === undefined) throw new TokenizerFormatError(`the ${role} token ${token} is not in the vocabulary`);
      return id;
    };
    this.unkId = idOf(settings.unkToken, 'unknown');
    this.clsId = idOf(settings.clsToken, 'classifier');
    this.sepId = idOf(settings.sepToken, 'separator');
    this.padId = this.ids.get(settings.padToken) ?? 0;
    if (settings.maxTokens < 3) throw new RangeError('maxTokens must leave room for [CLS], one token and [SEP]');
  }

  /** Reads a tokenizer.json whose model is WordPiece (BERT, MiniLM, bge-small-en, gte-small, …). */
  static fromTokenizerJson(json: unknown, maxTokens: number): WordpieceTokenizer {
    if (!isObject(json) || !isObject(json['model'])) throw new TokenizerFormatError('tokenizer.json has no "model" object');
    const model = json['model'];
    if (model['type'] !== 'WordPiece') throw new TokenizerFormatError(`tokenizer.json model type "${String(model['type'])}" is not WordPiece`);
    const vocab = model['vocab'];
    if (!isObject(vocab)) throw new TokenizerFormatError('tokenizer.json has no WordPiece vocabulary');
    const tokens: string[] = [];
    for (const [token, id] of Object.entries(vocab)) {
      if (!Number.isInteger(id) || (id as number) < 0) throw new TokenizerFormatError(`token ${token} has no valid id`);
      tokens[id as number] = token;
    }
    for (let i = 0; i < tokens.length; i++) if (tokens[i] === undefined) tokens[i] = `[unused-id-${i}]`;
    const normalizer = json['normalizer'];
    let normalization: BertNormalization = { cleanText: true, handleChineseChars: true, stripAccents: false, lowercase: false };
    if (isObject(normalizer)) {
      if (normalizer['type'] !== 'BertNormalizer') {
        throw new TokenizerFormatError(`tokenizer.json normalizer "${String(normalizer['type'])}" is not supported (BertNormalizer)`);
      }
      const lowercase = normalizer['lowercase'] !== false;
      normalization = {
        cleanText: normalizer['clean_text'] !== false,
        handleChineseChars: normalizer['handle_chinese_chars'] !== false,
        // Unset strip_accents follows lowercase, as in BERT.
        stripAccents: typeof normalizer['strip_accents'] === 'boolean' ? normalizer['strip_accents'] : lowercase,
        lowercase,
      };
    }
    const special = specialTokens(json['post_processor']);
    const truncation = json['truncation'];
    const limit = isObject(truncation) && Number.isInteger(truncation['max_length']) ? Math.min(maxTokens, truncation['max_length'] as number) : maxTokens;
    return new WordpieceTokenizer({
      tokens,
      normalization,
      continuingSubwordPrefix: typeof model['continuing_subword_prefix'] === 'string' ? model['continuing_subword_prefix'] : '##',
      maxInputCharsPerWord: Number.isInteger(model['max_input_chars_per_word']) ? (model['max_input_chars_per_word'] as number) : 100,
      unkToken: typeof model['unk_token'] === 'string' ? model['unk_token'] : '[UNK]',
      clsToken: special.cls,
      sepToken: special.sep,
      padToken: '[PAD]',
      maxTokens: limit,
    });
  }

  /** The normalised text (BertNormalizer). */
  normalize(text: string): string {
    const n = this.settings.normalization;
    let out = text;
    if (n.cleanText) out = out.replace(CONTROL, '').replace(/[\t\n\r\p{Zs}]/gu, ' ');
    if (n.handleChineseChars) out = out.replace(CJK, (c) => ` ${c} `);
    if (n.stripAccents) out = out.normalize('NFD').replace(/\p{Mn}/gu, '');
    if (n.lowercase) out = out.toLowerCase();
    return out;
  }

  /** Words and punctuation marks, each its own piece (BertPreTokenizer). */
  preTokenize(text: string): string[] {
    const pieces: string[] = [];
    for (const chunk of this.normalize(text).split(WHITESPACE)) {
      let word = '';
      for (const c of chunk) {
        if (PUNCTUATION.test(c)) {
          if (word) pieces.push(word);
          pieces.push(c);
          word = '';
        } else word += c;
      }
      if (word) pieces.push(word);
    }
    return pieces;
  }

  words(text: string): string[] {
    return this.preTokenize(text).filter((w) => !PUNCTUATION.test(w));
  }

  /** WordPiece ids of one pre-tokenized word: greedy longest match; [UNK] when any part cannot be matched. */
  wordIds(word: string): number[] {
    const chars = [...word];
    if (chars.length > this.settings.maxInputCharsPerWord) return [this.unkId];
    const out: number[] = [];
    let start = 0;
    while (start < chars.length) {
      let end = chars.length;
      let found: number | undefined;
      while (start < end) {
        const piece = (start > 0 ? this.settings.continuingSubwordPrefix : '') + chars.slice(start, end).join('');
        found = this.ids.get(piece);
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unkId];
      out.push(found);
      start = end;
    }
    return out;
  }

  tokenize(text: string, prefix = ''): TokenizedText {
    const room = this.settings.maxTokens - 2;
    const ids: number[] = [this.clsId];
    let knownTokens = 0;
    let truncated = false;
    const add = (source: string, counts: boolean): void => {
      for (const word of this.preTokenize(source)) {
        for (const id of this.wordIds(word)) {
          if (ids.length - 1 === room) {
            truncated = true;
            return;
          }
          ids.push(id);
          if (counts && id !== this.unkId) knownTokens++;
        }
      }
    };
    if (prefix) add(prefix, false);
    if (!truncated) add(text, true);
    ids.push(this.sepId);
    return { ids, weights: ids.map(() => 1), knownTokens, truncated };
  }
}

/** [CLS] and [SEP] as the post-processor names them (TemplateProcessing or BertProcessing). */
function specialTokens(post: unknown): { cls: string; sep: string } {
  const fallback = { cls: '[CLS]', sep: '[SEP]' };
  if (!isObject(post)) return fallback;
  if (post['type'] === 'BertProcessing' && Array.isArray(post['cls']) && Array.isArray(post['sep'])) {
    return { cls: String(post['cls'][0]), sep: String(post['sep'][0]) };
  }
  if (post['type'] === 'TemplateProcessing' && Array.isArray(post['single'])) {
    const specials = post['single']
      .map((step: unknown) => (isObject(step) && isObject(step['SpecialToken']) ? String(step['SpecialToken']['id']) : undefined))
      .filter((x): x is string => x !== undefined);
    if (specials.length === 2) return { cls: specials[0] as string, sep: specials[1] as string };
  }
  return fallback;
}
