import { Inject, Injectable } from '@nestjs/common';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { meaningfulEmbedding } from '../analyses/analyses.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { isUuid } from '../shared/ids';
import { HnswIndexes } from '../similarity/hnsw-indexes';
import { toVectorLiteral } from '../similarity/nearest-query';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 500;
const MAX_SAVE = 500;

/** An article to embed again: its id and the texts the analysis pipeline embeds. */
export interface ArticleTextRow {
  id: string;
  title: string;
  text: string;
}

/**
 * Articles analysed with another model version and not yet with this one ("$1"). An article counts as
 * done for a version once it has an analysis row of it: the pipeline writes one, and so does
 * SaveEmbeddings (even when the text gives no vector), so the worker's pass always ends.
 */
const PENDING_FOR_VERSION = `
  EXISTS (SELECT 1 FROM article_analyses x WHERE x.article_id = a.id AND x.model_version <> $1)
  AND NOT EXISTS (SELECT 1 FROM article_analyses y WHERE y.article_id = a.id AND y.model_version = $1)`;

/**
 * The storage side of re-embedding after a model switch: a keyset-paged list of the articles that
 * still lack the new model version, and a batch save of their new vectors. Rows of other versions
 * are kept (rollback to the previous model needs no re-embedding).
 */
@Injectable()
export class ReembeddingService {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly hnsw: HnswIndexes,
  ) {}

  /** One page (ordered by id, after afterId) and how many articles remain from afterId on, this page included. */
  async pending(modelVersion: string, afterId: string, limit: number): Promise<{ articles: ArticleTextRow[]; remaining: number }> {
    const version = requiredVersion(modelVersion);
    const size = limit || DEFAULT_PAGE;
    if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE) throw DomainError.invalidArgument(`limit must be between 1 and ${MAX_PAGE}`);
    const after = afterId.trim().toLowerCase();
    if (after && !isUuid(after)) throw DomainError.invalidArgument(`after_id "${afterId}" is not an article id`);
    const keyset = after ? 'AND a.id > $2::uuid' : '';
    const params: unknown[] = after ? [version, after] : [version];
    const articles = (await this.db.dataSource.query(
      `SELECT a.id, a.title, a.text FROM articles a
        WHERE ${PENDING_FOR_VERSION} ${keyset}
        ORDER BY a.id
        LIMIT ${size}`,
      params,
    )) as ArticleTextRow[];
    const [count] = (await this.db.dataSource.query(
      `SELECT count(*)::int AS remaining FROM articles a WHERE ${PENDING_FOR_VERSION} ${keyset}`,
      params,
    )) as Array<{ remaining: number }>;
    return { articles, remaining: count?.remaining ?? 0 };
  }

  /**
   * Stores each article's vector of modelVersion (overwriting the same pair) and gives the article an
   * analysis row of that version, copied from its newest one (language, keywords, topic, summary and
   * SimHash come from the word model, the same under either embedding model), so the article's newest
   * analysis and embedding are the new version's. Deleted articles are skipped. Returns the vectors stored.
   */
  async save(modelVersion: string, items: storage.ArticleVector[]): Promise<{ saved: number; dimensions: number[] }> {
    const version = requiredVersion(modelVersion);
    if (items.length > MAX_SAVE) throw DomainError.invalidArgument(`at most ${MAX_SAVE} embeddings per request`);
    const checked = items.map((item, i) => {
      if (!isUuid(item.articleId)) throw DomainError.invalidArgument(`embeddings[${i}].article_id "${item.articleId}" is not an article id`);
      return { articleId: item.articleId.toLowerCase(), vector: meaningfulEmbedding(item.vector ?? []) };
    });
    const now = this.clock.now();
    const dimensions = new Set<number>();
    let saved = 0;
    await this.db.dataSource.transaction(async (manager) => {
      for (const { articleId, vector } of checked) {
        const exists = (await manager.query(`SELECT 1 FROM articles WHERE id = $1 FOR KEY SHARE`, [articleId])) as unknown[];
        if (exists.length === 0) continue;
        if (!vector) {
          await manager.query(`DELETE FROM article_embeddings WHERE article_id = $1 AND model_version = $2`, [articleId, version]);
        } else {
          const withVec = this.db.pgvector;
          await manager.query(
            `INSERT INTO article_embeddings (article_id, model_version, dims, values${withVec ? ', vec' : ''})
             VALUES ($1, $2, $3, $4::real[]${withVec ? ', $5::vector' : ''})
             ON CONFLICT (article_id, model_version) DO UPDATE
                SET dims = EXCLUDED.dims, values = EXCLUDED.values${withVec ? ', vec = EXCLUDED.vec' : ''}`,
            withVec ? [articleId, version, vector.length, vector, toVectorLiteral(vector)] : [articleId, version, vector.length, vector],
          );
          dimensions.add(vector.length);
          saved++;
        }
        await manager.query(
          `INSERT INTO article_analyses (article_id, model_version, language, keywords, topic, summary, simhash, created_at)
           SELECT article_id, $2, language, keywords, topic, summary, simhash, $3
             FROM article_analyses
            WHERE article_id = $1 AND model_version <> $2
            ORDER BY created_at DESC, model_version DESC
            LIMIT 1
           ON CONFLICT (article_id, model_version) DO NOTHING`,
          [articleId, version, now],
        );
      }
    });
    // The first vectors of a new dimension get their HNSW index (no-op without pgvector).
    for (const dims of dimensions) await this.hnsw.ensure(dims);
    return { saved, dimensions: [...dimensions] };
  }
}

function requiredVersion(modelVersion: string): string {
  const version = modelVersion.trim();
  if (!version) throw DomainError.invalidArgument('model_version is required');
  return version;
}
