import type { TextTokenizer } from './text-tokenizer';
import type { Vocabulary } from './vocabulary';

/** Model input for one text: token ids and their pooling weights. */
export interface TokenizedText {
  ids: number[];
  weights: number[];
  /** Tokens the vocabulary knows (and that were kept); 0 means no meaningful embedding. */
  knownTokens: number;
  /** More known tokens than the model's maximum were present; the tail was cut. */
  truncated: boolean;
}

/** The manifest fields of the word-vector model's tokenizer. */
export interface WordTokenizerSettings {
  tokenizer: { normalizeForm: 'NFC' | 'NFD' | 'NFKC' | 'NFKD'; lowercase: boolean; pattern: string };
  weighting: { a: number; zipfTopProbability: number };
  maxTokens: number;
}

const CLITICS = /^(.+?)(n't|'s|'re|'ll|'ve|'d|'m)$/;
/** Stems that change before "n't" (can't → ca + n't). */
const IRREGULAR_STEMS: Record<string, string> = { ca: 'can', wo: 'will', sha: 'shall' };

/**
 * Unicode-aware word tokenizer of the wink-sg100d model: normalise (NFKC), lower-case, split
 * into words with the manifest's pattern, look words up in the vocabulary (unknown words are
 * dropped), weigh each by SIF a / (a + p(w)) with p(w) estimated from its frequency rank.
 */
export class WordTokenizer implements TextTokenizer {
  private readonly pattern: RegExp;
  private readonly weightOfId: Float32Array;

  constructor(
    private readonly manifest: WordTokenizerSettings,
    readonly vocabulary: Vocabulary,
  ) {
    this.pattern = new RegExp(manifest.tokenizer.pattern, 'gu');
    const { a, zipfTopProbability } = manifest.weighting;
    this.weightOfId = new Float32Array(vocabulary.size);
    for (let id = 0; id < vocabulary.size; id++) {
      const p = zipfTopProbability / vocabulary.rankOfId(id);
      this.weightOfId[id] = a / (a + p);
    }
  }

  /** Every word of the text, normalised and lower-cased, known to the model or not. */
  words(text: string): string[] {
    const normalized = text.normalize(this.manifest.tokenizer.normalizeForm).replace(/[\u2018\u2019\u02bc]/g, "'");
    const lower = this.manifest.tokenizer.lowercase ? normalized.toLowerCase() : normalized;
    return lower.match(this.pattern) ?? [];
  }

  /** Token ids of one word: the word itself, else its parts (hyphenated words, clitics like "n't"). */
  idsOfWord(word: string): number[] {
    const id = this.vocabulary.idOf(word);
    if (id !== undefined) return [id];
    const clitic = CLITICS.exec(word);
    if (clitic) {
      const base = clitic[1] as string;
      const stem = this.vocabulary.idOf(clitic[2] === "n't" ? (IRREGULAR_STEMS[base] ?? base) : base);
      const extra = clitic[2] === "n't" ? this.vocabulary.idOf('not') : undefined;
      return [stem, extra].filter((x): x is number => x !== undefined);
    }
    if (word.includes('-') || word.includes("'")) {
      return word
        .split(/['-]/)
        .map((part) => this.vocabulary.idOf(part))
        .filter((x): x is number => x !== undefined);
    }
    return [];
  }

  tokenize(text: string): TokenizedText {
    const ids: number[] = [];
    const max = this.manifest.maxTokens;
    let truncated = false;
    for (const word of this.words(text)) {
      for (const id of this.idsOfWord(word)) {
        if (ids.length === max) {
          truncated = true;
          break;
        }
        ids.push(id);
      }
      if (truncated) break;
    }
    return { ids, weights: ids.map((id) => this.weightOfId[id] as number), knownTokens: ids.length, truncated };
  }

  /** The SIF weight of a word (0 when unknown): how much it carries meaning rather than grammar. */
  weightOf(word: string): number {
    const id = this.vocabulary.idOf(word);
    return id === undefined ? 0 : (this.weightOfId[id] as number);
  }
}
