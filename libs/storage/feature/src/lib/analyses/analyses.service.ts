import { Inject, Injectable } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { articlesAnalysed } from '@autoglm/shared-observability';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { HnswIndexes } from '../similarity/hnsw-indexes';
import { toVectorLiteral } from '../similarity/nearest-query';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { parseSimhash } from '../stories/simhash';
import { StoryClustering } from '../stories/story-clustering';
import { isUuid } from '../shared/ids';
import { NEWEST_EMBEDDINGS_SQL, type EmbeddingRow } from './embedding-row';

const MAX_EMBEDDING_IDS = 1000;
const MAX_DIMS = 16_000;

@Injectable()
export class AnalysesService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly hnsw: HnswIndexes,
    private readonly stories: StoryClustering,
  ) {}

  /**
   * Stores the analysis and embedding of (article, model version); saving the same pair again
   * overwrites it, so a replayed job leaves one row each. The article then joins a story (near-duplicate
   * or close embedding) or starts one, in the same transaction (see StoryClustering).
   */
  async save(input: storage.SaveAnalysisRequest): Promise<void> {
    if (!isUuid(input.articleId)) throw articleNotFound(input.articleId);
    const modelVersion = input.modelVersion.trim();
    if (!modelVersion) throw DomainError.invalidArgument('model_version is required');
    const embedding = meaningfulEmbedding(input.embedding);
    const keywords = input.keywords.map((k) => k.trim()).filter((k) => k.length > 0);
    const simhash = parseSimhash(input.simhash);
    const now = this.clock.now();

    const found = await this.db.dataSource.transaction(async (manager) => {
      const article = (await manager.query(`SELECT 1 FROM articles WHERE id = $1 FOR KEY SHARE`, [input.articleId])) as unknown[];
      if (article.length === 0) return false;
      await manager.query(
        `INSERT INTO article_analyses (article_id, model_version, language, keywords, topic, summary, simhash, created_at)
         VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8)
         ON CONFLICT (article_id, model_version) DO UPDATE
            SET language = EXCLUDED.language, keywords = EXCLUDED.keywords, topic = EXCLUDED.topic,
                summary = EXCLUDED.summary, simhash = EXCLUDED.simhash, created_at = EXCLUDED.created_at`,
        [input.articleId, modelVersion, input.language.trim(), keywords, input.topic.trim(), input.summary, input.simhash.trim(), now],
      );
      if (!embedding) {
        // "No meaningful vector": drop one a previous run may have stored for this pair.
        await manager.query(`DELETE FROM article_embeddings WHERE article_id = $1 AND model_version = $2`, [
          input.articleId,
          modelVersion,
        ]);
      } else if (this.db.pgvector) {
        await manager.query(
          `INSERT INTO article_embeddings (article_id, model_version, dims, values, vec)
           VALUES ($1, $2, $3, $4::real[], $5::vector)
           ON CONFLICT (article_id, model_version) DO UPDATE
              SET dims = EXCLUDED.dims, values = EXCLUDED.values, vec = EXCLUDED.vec`,
          [input.articleId, modelVersion, embedding.length, embedding, toVectorLiteral(embedding)],
        );
      } else {
        await manager.query(
          `INSERT INTO article_embeddings (article_id, model_version, dims, values)
           VALUES ($1, $2, $3, $4::real[])
           ON CONFLICT (article_id, model_version) DO UPDATE SET dims = EXCLUDED.dims, values = EXCLUDED.values`,
          [input.articleId, modelVersion, embedding.length, embedding],
        );
      }
      await this.stories.assign(manager, { articleId: input.articleId, simhash, embedding, modelVersion, now });
      return true;
    });
    if (!found) throw articleNotFound(input.articleId);
    articlesAnalysed.inc();
    // The first embedding of a new dimension gets its HNSW index (no-op without pgvector).
    if (embedding) await this.hnsw.ensure(embedding.length);
  }

  /** The newest embedding of each requested article that has one, in request order. */
  async embeddings(articleIds: string[]): Promise<EmbeddingRow[]> {
    if (articleIds.length > MAX_EMBEDDING_IDS) {
      throw DomainError.invalidArgument(`at most ${MAX_EMBEDDING_IDS} article ids per request`);
    }
    const ids = [...new Set(articleIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    const rows = (await this.db.dataSource.query(NEWEST_EMBEDDINGS_SQL, [ids])) as EmbeddingRow[];
    const byId = new Map(rows.map((r) => [r.articleId, r]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }
}

/** The embedding to store, or undefined when it carries no direction (empty or all zeros). */
export function meaningfulEmbedding(values: number[]): number[] | undefined {
  if (values.length === 0) return undefined;
  if (values.length > MAX_DIMS) throw DomainError.invalidArgument(`an embedding has at most ${MAX_DIMS} dimensions`);
  if (values.some((v) => !Number.isFinite(v))) throw DomainError.invalidArgument('the embedding contains a non-finite value');
  return values.some((v) => v !== 0) ? values : undefined;
}
