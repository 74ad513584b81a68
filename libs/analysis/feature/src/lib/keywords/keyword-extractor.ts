import type { TextTokenizer } from '../model/text-tokenizer';
import type { ChineseSegmenter } from '../text/chinese-segmenter';
import { ENGLISH_STOPWORDS } from './english-stopwords';

export const KEYWORD_LIMIT = 8;

const HAS_LETTER = /\p{L}/u;

/**
 * Keywords of non-Chinese text: word frequency weighted by rarity, where rarity is the log of the
 * word's frequency rank in the embedding model's corpus (an IDF estimate under Zipf's law).
 * Stop words, numbers and words shorter than 3 characters are skipped.
 */
export function wordKeywords(words: readonly string[], tokenizer: Pick<TextTokenizer, 'vocabulary'>, limit = KEYWORD_LIMIT): string[] {
  const counts = new Map<string, number>();
  for (const raw of words) {
    const word = raw.replace(/'s$/, '');
    if ([...word].length < 3 || !HAS_LETTER.test(word) || ENGLISH_STOPWORDS.has(word)) continue;
    counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  // Words outside the vocabulary (names, jargon) rank just after the rarest known word.
  const scored = [...counts].map(([word, count]) => ({
    word,
    score: count * Math.log(1 + tokenizer.vocabulary.rankOf(word) / 10),
  }));
  scored.sort((a, b) => b.score - a.score || (a.word < b.word ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.word);
}

/** Keywords of Chinese text: jieba's TF-IDF extractor with its IDF table. */
export function chineseKeywords(text: string, segmenter: ChineseSegmenter, limit = KEYWORD_LIMIT): string[] {
  return segmenter.keywords(text, limit);
}
