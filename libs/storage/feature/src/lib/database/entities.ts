import { ArticleAnalysisEntity } from './article-analysis.entity';
import { ArticleEmbeddingEntity } from './article-embedding.entity';
import { ArticleEntity } from './article.entity';
import { OutboxMessageEntity } from './outbox-message.entity';
import { ReadingEventEntity } from './reading-event.entity';
import { SourceEntity } from './source.entity';

/** Every entity of the storage schema, listed explicitly (no globs). */
export const STORAGE_ENTITIES = [
  SourceEntity,
  ArticleEntity,
  ArticleAnalysisEntity,
  ArticleEmbeddingEntity,
  ReadingEventEntity,
  OutboxMessageEntity,
];
