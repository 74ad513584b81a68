/** What the analysis service asks of a topic classifier: one topic id of the taxonomy, or 'general'. */
export interface TopicAssigner {
  /** English: from the article's sentence embedding (empty or undefined → 'general'). */
  fromEmbedding(embedding: Float32Array | undefined): string;
  /** Chinese: from the article's jieba words. */
  fromChineseWords(words: readonly string[]): string;
}
