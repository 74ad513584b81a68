import type { EmbeddingService } from '../embedding.service';
import type { TopicAssigner } from './topic-assigner';
import { TopicClassifier } from './topic-classifier';
import { loadTopicClassifier } from './trained-topic-classifier';

/**
 * The TOPIC_CLASSIFIER provider: the trained classifier (data/topic-classifier.json) over the
 * prototype/lexicon classifier, which answers when the weights file is missing and, for English,
 * when the default embedding model is not the one the weights were trained on.
 */
export async function createTopicClassifier(embeddings: EmbeddingService): Promise<TopicAssigner> {
  const prototypes = await TopicClassifier.create(async (words) =>
    (await embeddings.embed(words, { priority: 'bulk' })).map((e) => (e.knownTokens > 0 ? e.vector : undefined)),
  );
  return loadTopicClassifier(prototypes, embeddings.model);
}
