import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { toVectorLiteral } from '../similarity/nearest-query';
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE, simhashBands, simhashSimilarity } from './simhash';

/** Near-duplicates and same-event articles are looked for among articles published within this window of each other. */
export const STORY_WINDOW_HOURS = 72;
/**
 * Embedding cosine from which two articles are taken to tell the same story. Mean-of-word-vector
 * embeddings (the shipped model) put different articles of one topic close together: two different
 * football stories measured 0.955 and two recipes above 0.92, so the bar sits above that.
 */
export const STORY_MIN_COSINE = 0.98;
/**
 * The bar of models whose cosines spread otherwise, by model name. Universal Sentence Encoder lite
 * (use-lite-en): one event told by two outlets measured 0.87–0.94, two football stories 0.77 and
 * other topics below 0.57, so the bar sits between. Its int8 variant's vectors are within cosine
 * 0.999 of its own (tools/bench/int8-vs-fp32), so the same bar holds.
 */
export const STORY_MIN_COSINE_BY_MODEL: Readonly<Record<string, number>> = { 'use-lite-en': 0.83, 'use-lite-en-int8': 0.83 };

/** The story bar of the model that made an embedding (its version is name@version). */
export function storyMinCosine(modelVersion: string): number {
  const at = modelVersion.lastIndexOf('@');
  const name = at > 0 ? modelVersion.slice(0, at) : modelVersion;
  return STORY_MIN_COSINE_BY_MODEL[name] ?? STORY_MIN_COSINE;
}

export interface StoryAssignmentInput {
  articleId: string;
  /** The analysis' SimHash; undefined when the text has none. */
  simhash: bigint | undefined;
  /** The stored embedding (undefined when it carries no direction) and its model version. */
  embedding: number[] | undefined;
  modelVersion: string;
  now: Date;
}

interface Candidate {
  clusterId: string;
  similarity: number;
}

/**
 * Puts an analyzed article into a story: the story of its most similar earlier article —
 * a SimHash near-duplicate (an equal band, then Hamming distance ≤ NEAR_DUPLICATE_MAX_DISTANCE) or an embedding
 * with cosine ≥ the model's story bar (storyMinCosine) — among articles within 72 hours of it, else a new story of its own.
 * Replay-safe: an article already in a story stays there (its SimHash bands are refreshed).
 */
@Injectable()
export class StoryClustering {
  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  /** Runs inside the caller's transaction (the analysis write); returns the story id. */
  async assign(manager: EntityManager, input: StoryAssignmentInput): Promise<string> {
    const { articleId } = input;
    await manager.query(`DELETE FROM article_simhash_bands WHERE article_id = $1`, [articleId]);
    const bands = input.simhash === undefined ? [] : simhashBands(input.simhash);
    if (bands.length > 0) {
      await manager.query(
        `INSERT INTO article_simhash_bands (article_id, band, value) SELECT $1, b - 1, ($2::int[])[b] FROM generate_subscripts($2::int[], 1) b`,
        [articleId, bands],
      );
    }

    const current = (await manager.query(`SELECT cluster_id FROM story_memberships WHERE article_id = $1`, [articleId])) as Array<{
      cluster_id: string;
    }>;
    if (current[0]) return current[0].cluster_id;

    const [article] = (await manager.query(`SELECT a.title, ${FEED_TIME} AS at FROM articles a WHERE a.id = $1`, [articleId])) as Array<{
      title: string;
      at: Date;
    }>;
    const window = [new Date(article.at.getTime() - STORY_WINDOW_HOURS * 3600_000), new Date(article.at.getTime() + STORY_WINDOW_HOURS * 3600_000)];
    const candidates = [
      ...(input.simhash === undefined ? [] : await this.simhashCandidates(manager, articleId, input.simhash, bands, window)),
      ...(input.embedding ? await this.embeddingCandidates(manager, articleId, input.embedding, input.modelVersion, window) : []),
    ];
    const best = candidates.reduce<Candidate | undefined>((top, c) => (!top || c.similarity > top.similarity ? c : top), undefined);

    if (best) {
      const joined = (await manager.query(
        `INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity) VALUES ($1, $2, $3, $4)
         ON CONFLICT (article_id) DO NOTHING RETURNING cluster_id`,
        [best.clusterId, articleId, input.now, best.similarity],
      )) as unknown[];
      if (joined.length > 0) {
        await manager.query(`UPDATE story_clusters SET size = size + 1, updated_at = $2 WHERE id = $1`, [best.clusterId, input.now]);
      }
      return best.clusterId;
    }

    const [{ id }] = (await manager.query(
      `INSERT INTO story_clusters (title, created_at, updated_at, size) VALUES ($1, $2, $2, 1) RETURNING id`,
      [article.title, input.now],
    )) as Array<{ id: string }>;
    await manager.query(
      `INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity) VALUES ($1, $2, $3, 1)`,
      [id, articleId, input.now],
    );
    return id;
  }

  /** Articles in a story sharing a band with the fingerprint, kept when within the Hamming distance. */
  private async simhashCandidates(
    manager: EntityManager,
    articleId: string,
    fingerprint: bigint,
    bands: number[],
    window: Date[],
  ): Promise<Candidate[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT m.cluster_id AS "clusterId", an.simhash
         FROM unnest($2::int[]) WITH ORDINALITY AS q(value, n)
         JOIN article_simhash_bands c ON c.band = q.n - 1 AND c.value = q.value
         JOIN articles a ON a.id = c.article_id
         JOIN story_memberships m ON m.article_id = c.article_id
         ${NEWEST_ANALYSIS_JOIN}
        WHERE c.article_id <> $1
          AND ${FEED_TIME} BETWEEN $3 AND $4`,
      [articleId, bands, ...window],
    )) as Array<{ clusterId: string; simhash: string | null }>;
    return rows.flatMap((row) => {
      if (!row.simhash || !/^[0-9a-fA-F]{16}$/.test(row.simhash)) return [];
      const distance = hammingDistance(fingerprint, BigInt(`0x${row.simhash}`));
      return distance <= NEAR_DUPLICATE_MAX_DISTANCE ? [{ clusterId: row.clusterId, similarity: simhashSimilarity(distance) }] : [];
    });
  }

  /** The story article with the closest embedding of the same model, when close enough (exact cosine: the window keeps it small). */
  private async embeddingCandidates(
    manager: EntityManager,
    articleId: string,
    embedding: number[],
    modelVersion: string,
    window: Date[],
  ): Promise<Candidate[]> {
    const score = this.db.pgvector
      ? `1 - (e.vec <=> $2::vector)`
      : `(SELECT sum(p.x::float8 * p.y::float8)
                 / nullif(sqrt(sum(p.x::float8 * p.x::float8)) * sqrt(sum(p.y::float8 * p.y::float8)), 0)
            FROM unnest(e.values, $2::real[]) AS p(x, y))`;
    const rows = (await manager.query(
      `SELECT * FROM (
         SELECT m.cluster_id AS "clusterId", ${score} AS similarity
           FROM article_embeddings e
           JOIN articles a ON a.id = e.article_id
           JOIN story_memberships m ON m.article_id = e.article_id
          WHERE e.dims = $3 AND e.model_version = $4 AND e.article_id <> $1
            AND ${FEED_TIME} BETWEEN $5 AND $6) scored
        WHERE similarity >= $7 AND similarity <> 'NaN'::float8
        ORDER BY similarity DESC
        LIMIT 1`,
      [articleId, this.db.pgvector ? toVectorLiteral(embedding) : embedding, embedding.length, modelVersion, ...window, storyMinCosine(modelVersion)],
    )) as Array<{ clusterId: string; similarity: number }>;
    return rows.map((row) => ({ clusterId: row.clusterId, similarity: Number(row.similarity) }));
  }
}
