import type { Vocabulary } from './vocabulary';
import type { TokenizedText } from './word-tokenizer';

/** What the service needs from a model's tokenizer, whatever its kind (word vectors or WordPiece). */
export interface TextTokenizer {
  readonly vocabulary: Vocabulary;
  /** The text's words as the tokenizer sees them (normalised, punctuation dropped), known to the model or not. */
  words(text: string): string[];
  /** Model input for a text; `prefix` (e5's "query: ", …) is put before it but never counts as a known token. */
  tokenize(text: string, prefix?: string): TokenizedText;
}
