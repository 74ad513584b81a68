import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { storage } from '@autoglm/contracts';
import { DomainError } from '@autoglm/shared-errors';
import { articlesAnalysed } from '@autoglm/shared-observability';
import { articleNotFound } from '../articles/articles.service';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { HnswIndexes } from '../similarity/hnsw-indexes';
import { STORAGE_CLOCK, type Clock } from '../shared/clock';
import { parseSimhash } from '../stories/simhash';
import { StoryClustering } from '../stories/story-clustering';
import { isUuid } from '../shared/ids';
import { NEWEST_EMBEDDINGS_SQL, type EmbeddingRow } from './embedding-row';
import { PushTrigger } from '../push/push-trigger';

const MAX_EMBEDDING_IDS = 1000;
/** The advisory lock that serialises saving analyses (and so story assignment) across sessions. */
export const STORY_ASSIGNMENT_LOCK = 7_303_001;
/** Items per SaveAnalyses / GetAnalysisInputs request. */
export const MAX_ANALYSES_PER_BATCH = 100;

export interface AnalysisInputRow {
  articleId: string;
  title: string;
  text: string;
  llmSummaryInputHash: string;
}

interface AnalysisRow {
  articleId: string;
  modelVersion: string;
  language: string;
  keywords: string[];
  topic: string;
  summary: string;
  simhashText: string;
  simhash: bigint | undefined;
  embedding: number[] | undefined;
}

/** The row an analysis request stores, or INVALID_ARGUMENT naming what is wrong (and which item, in a batch). */
function validAnalysis(input: storage.SaveAnalysisRequest, where: string): AnalysisRow {
  const modelVersion = input.modelVersion.trim();
  if (!modelVersion) throw DomainError.invalidArgument(`model_version is required${where}`);
  return {
    articleId: input.articleId.toLowerCase(),
    modelVersion,
    language: input.language.trim(),
    keywords: input.keywords.map((k) => k.trim()).filter((k) => k.length > 0),
    topic: input.topic.trim(),
    summary: input.summary,
    simhashText: input.simhash.trim(),
    simhash: parseSimhash(input.simhash),
    embedding: meaningfulEmbedding(input.embedding),
  };
}
const MAX_DIMS = 16_000;
const MAX_LLM_SUMMARY_CHARS = 20_000;

@Injectable()
export class AnalysesService {
  /** Settles when the batch this process queued last is saved (see batchTurn). */
  private batchTail: Promise<void> = Promise.resolve();

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Inject(STORAGE_CLOCK) private readonly clock: Clock,
    private readonly hnsw: HnswIndexes,
    private readonly stories: StoryClustering,
    private readonly push: PushTrigger,
  ) {}

  /** Keeps an article's LLM summary, replacing the previous one (a replayed job leaves one row). */
  async saveLlmSummary(input: storage.SaveLlmSummaryRequest): Promise<void> {
    if (!isUuid(input.articleId)) throw articleNotFound(input.articleId);
    const summary = input.summary.trim();
    if (!summary) throw DomainError.invalidArgument('summary is empty');
    if (summary.length > MAX_LLM_SUMMARY_CHARS) throw DomainError.invalidArgument(`summary is longer than ${MAX_LLM_SUMMARY_CHARS} characters`);
    if (!Number.isInteger(input.tokens) || input.tokens < 0) throw DomainError.invalidArgument('tokens must not be negative');
    const rows = (await this.db.dataSource.query(
      `INSERT INTO article_llm_summaries (article_id, summary, language, model, tokens, input_hash, created_at)
       SELECT a.id, $2, $3, $4, $5, $6, $7 FROM articles a WHERE a.id = $1
       ON CONFLICT (article_id) DO UPDATE
          SET summary = EXCLUDED.summary, language = EXCLUDED.language, model = EXCLUDED.model, tokens = EXCLUDED.tokens,
              input_hash = EXCLUDED.input_hash, created_at = EXCLUDED.created_at
       RETURNING article_id`,
      [input.articleId, summary, input.language.trim(), input.model.trim(), input.tokens, input.inputHash.trim(), this.clock.now()],
    )) as unknown[];
    if (rows.length === 0) throw articleNotFound(input.articleId);
  }

  /**
   * Stores the analysis and embedding of (article, model version); saving the same pair again
   * overwrites it, so a replayed job leaves one row each. The article then joins a story (near-duplicate
   * or close embedding) or starts one, in the same transaction (see StoryClustering).
   */
  async save(input: storage.SaveAnalysisRequest): Promise<void> {
    if (!isUuid(input.articleId)) throw articleNotFound(input.articleId);
    const missing = await this.saveMany([input]);
    if (missing.length > 0) throw articleNotFound(input.articleId);
  }

  /**
   * Saves many analyses in one transaction, each as save() would and in order (a later item of the
   * batch may join the story an earlier one started): the rows of the whole batch are written by a
   * few set-based statements, the story of each article is then assigned one by one. Returns the ids
   * of the items whose article does not exist (nothing is saved for them).
   */
  async saveMany(inputs: readonly storage.SaveAnalysisRequest[]): Promise<string[]> {
    if (inputs.length > MAX_ANALYSES_PER_BATCH) throw DomainError.invalidArgument(`at most ${MAX_ANALYSES_PER_BATCH} analyses per request`);
    const rows = inputs.map((input, index) => validAnalysis(input, inputs.length > 1 ? ` (analysis ${index})` : ''));
    const wellFormed = rows.filter((row) => isUuid(row.articleId));
    if (wellFormed.length === 0) return rows.map((row) => row.articleId);
    const now = this.clock.now();

    const done = await this.batchTurn();
    const found = await this.db.dataSource.transaction(async (manager) => {
      // One batch at a time assigns stories (across storage replicas): two batches would otherwise take
      // the locks of the same stories in different orders (deadlock), or start two stories for one event.
      await manager.query(`SELECT pg_advisory_xact_lock($1)`, [STORY_ASSIGNMENT_LOCK]);
      // Locked in id order, so that concurrent batches cannot deadlock.
      const existing = new Set(
        (
          (await manager.query(`SELECT id::text AS id FROM articles WHERE id = ANY($1::uuid[]) ORDER BY id FOR KEY SHARE`, [
            [...new Set(wellFormed.map((row) => row.articleId))],
          ])) as Array<{ id: string }>
        ).map((row) => row.id),
      );
      // A pair saved twice in one batch: its last item wins, as two saves in a row would leave it.
      const last = new Map<string, AnalysisRow>();
      for (const row of wellFormed) if (existing.has(row.articleId)) last.set(`${row.articleId} ${row.modelVersion}`, row);
      const saved = [...last.values()];
      if (saved.length === 0) return existing;
      await manager.query(
        `INSERT INTO article_analyses (article_id, model_version, language, keywords, topic, summary, simhash, created_at)
         SELECT r.article_id, r.model_version, r.language, ARRAY(SELECT jsonb_array_elements_text(r.keywords)), r.topic, r.summary, r.simhash, $8
           FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[], $5::text[], $6::text[], $7::text[])
                AS r(article_id, model_version, language, keywords, topic, summary, simhash)
         ON CONFLICT (article_id, model_version) DO UPDATE
            SET language = EXCLUDED.language, keywords = EXCLUDED.keywords, topic = EXCLUDED.topic,
                summary = EXCLUDED.summary, simhash = EXCLUDED.simhash, created_at = EXCLUDED.created_at`,
        [
          saved.map((r) => r.articleId),
          saved.map((r) => r.modelVersion),
          saved.map((r) => r.language),
          saved.map((r) => JSON.stringify(r.keywords)),
          saved.map((r) => r.topic),
          saved.map((r) => r.summary),
          saved.map((r) => r.simhashText),
          now,
        ],
      );
      await this.writeEmbeddings(manager, saved);
      await this.stories.assignAll(
        manager,
        saved.map((row) => ({
          articleId: row.articleId,
          simhash: row.simhash,
          embedding: row.embedding,
          modelVersion: row.modelVersion,
          keywords: row.keywords,
          now,
        })),
      );
      return existing;
    }).finally(done);
    // The first embedding of a new dimension gets its HNSW index (no-op without pgvector).
    for (const dims of new Set(wellFormed.flatMap((row) => (row.embedding && found.has(row.articleId) ? [row.embedding.length] : [])))) {
      await this.hnsw.ensure(dims);
    }
    const analysed = new Set(wellFormed.filter((row) => found.has(row.articleId)).map((row) => row.articleId));
    if (analysed.size > 0) articlesAnalysed.inc(analysed.size);
    for (const articleId of analysed) await this.push.articleAnalysed(articleId);
    return rows.filter((row) => !found.has(row.articleId)).map((row) => row.articleId);
  }

  /**
   * Waits until the batches this process started earlier are saved; call the returned function when
   * this one is. The advisory lock alone would serialise batches too, but each waiter would hold a
   * pooled connection meanwhile: a burst of batches then takes the whole pool, and reads (article
   * lists, searches) wait behind them until their deadline. Queued here, a process holds at most one
   * connection waiting for the lock (for another replica's batch).
   */
  private async batchTurn(): Promise<() => void> {
    const previous = this.batchTail;
    let done = (): void => undefined;
    this.batchTail = new Promise<void>((resolve) => (done = resolve));
    await previous;
    return done;
  }

  /**
   * Writes the batch's embeddings in one statement: the vectors travel as one flat array (parsed once)
   * and each row takes its slice; "no meaningful vector" drops one a previous run may have stored.
   */
  private async writeEmbeddings(manager: EntityManager, rows: readonly AnalysisRow[]): Promise<void> {
    const none = rows.filter((row) => !row.embedding);
    if (none.length > 0) {
      await manager.query(
        `DELETE FROM article_embeddings e USING unnest($1::uuid[], $2::text[]) AS r(article_id, model_version)
          WHERE e.article_id = r.article_id AND e.model_version = r.model_version`,
        [none.map((row) => row.articleId), none.map((row) => row.modelVersion)],
      );
    }
    const some = rows.filter((row): row is AnalysisRow & { embedding: number[] } => row.embedding !== undefined);
    if (some.length === 0) return;
    const starts: number[] = [];
    const dims: number[] = [];
    let offset = 1;
    for (const row of some) {
      starts.push(offset);
      dims.push(row.embedding.length);
      offset += row.embedding.length;
    }
    const slice = `($5::real[])[r.start : r.start + r.dims - 1]`;
    await manager.query(
      `INSERT INTO article_embeddings (article_id, model_version, dims, values${this.db.pgvector ? ', vec' : ''})
       SELECT r.article_id, r.model_version, r.dims, ${slice}${this.db.pgvector ? `, ${slice}::vector` : ''}
         FROM unnest($1::uuid[], $2::text[], $3::int[], $4::int[]) AS r(article_id, model_version, dims, start)
       ON CONFLICT (article_id, model_version) DO UPDATE
          SET dims = EXCLUDED.dims, values = EXCLUDED.values${this.db.pgvector ? ', vec = EXCLUDED.vec' : ''}`,
      [some.map((row) => row.articleId), some.map((row) => row.modelVersion), dims, starts, some.flatMap((row) => row.embedding)],
    );
  }

  /** Title and text of each requested article that exists, in request order (what the analysis pipeline reads). */
  async inputs(articleIds: readonly string[]): Promise<AnalysisInputRow[]> {
    if (articleIds.length > MAX_ANALYSES_PER_BATCH) throw DomainError.invalidArgument(`at most ${MAX_ANALYSES_PER_BATCH} article ids per request`);
    const ids = [...new Set(articleIds.filter(isUuid).map((id) => id.toLowerCase()))];
    if (ids.length === 0) return [];
    const rows = (await this.db.dataSource.query(
      `SELECT a.id::text AS "articleId", a.title, a.text, coalesce(l.input_hash, '') AS "llmSummaryInputHash"
         FROM articles a LEFT JOIN article_llm_summaries l ON l.article_id = a.id
        WHERE a.id = ANY($1::uuid[])`,
      [ids],
    )) as AnalysisInputRow[];
    const byId = new Map(rows.map((row) => [row.articleId, row]));
    return ids.flatMap((id) => byId.get(id) ?? []);
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
