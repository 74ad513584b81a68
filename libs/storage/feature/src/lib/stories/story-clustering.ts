import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { toVectorLiteral } from '../similarity/nearest-query';
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE, simhashBands } from './simhash';
import { chooseStory, STORY_MIN_SHARED_KEYWORDS, storyMinCosine, type SimhashMatch, type StoryLinkage, type StoryScore } from './story-choice';

/** How an article joins a story by embedding (StoryLinkage); 'linked' unless a bench asks otherwise. */
export const STORY_LINKAGE = Symbol('STORY_LINKAGE');
/** At most this many stories with an article above the story bar are scored for one new article. */
const MAX_SCORED_STORIES = 20;

/** Near-duplicates and same-event articles are looked for among articles published within this window of each other. */
export const STORY_WINDOW_HOURS = 72;

export interface StoryAssignmentInput {
  articleId: string;
  /** The analysis' SimHash; undefined when the text has none. */
  simhash: bigint | undefined;
  /** The stored embedding (undefined when it carries no direction) and its model version. */
  embedding: number[] | undefined;
  modelVersion: string;
  /** The analysis' keywords (an embedding match must share some: STORY_MIN_SHARED_KEYWORDS). */
  keywords: string[];
  now: Date;
}

/**
 * Puts an analyzed article into a story, among articles within 72 hours of it: the story of the
 * article it near-duplicates (SimHash within NEAR_DUPLICATE_MAX_DISTANCE bits, else an embedding above
 * the near-duplicate bar), which is recorded apart from the story; else the story of its closest article
 * with cosine ≥ the model's story bar among those sharing keywords with it (see chooseStory, StoryLinkage);
 * else a new story.
 * Replay-safe: an article already in a story stays there (its SimHash bands are refreshed).
 */
@Injectable()
export class StoryClustering {
  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    @Optional() @Inject(STORY_LINKAGE) private readonly linkage: StoryLinkage = 'linked',
  ) {}

  /**
   * Assigns a batch of analysed articles in order (a later one may join the story an earlier one started),
   * inside the caller's transaction; returns their story ids. What does not depend on the order is done
   * for the whole batch at once: the SimHash bands are replaced, and the current stories, titles and feed
   * times are read, in one statement each. (An article's own bands never match itself, and a candidate
   * must already be in a story, so writing every band first finds what writing them one by one did.)
   */
  async assignAll(manager: EntityManager, inputs: readonly StoryAssignmentInput[]): Promise<string[]> {
    if (inputs.length === 0) return [];
    const ids = [...new Set(inputs.map((input) => input.articleId))];
    // The last input of an article sets its bands, as one-by-one writes would leave them.
    const bandsOf = new Map(inputs.map((input) => [input.articleId, input.simhash === undefined ? [] : simhashBands(input.simhash)]));
    await manager.query(`DELETE FROM article_simhash_bands WHERE article_id = ANY($1::uuid[])`, [ids]);
    const banded = [...bandsOf].flatMap(([articleId, bands]) => bands.map((value, band) => ({ articleId, band, value })));
    if (banded.length > 0) {
      await manager.query(`INSERT INTO article_simhash_bands (article_id, band, value) SELECT * FROM unnest($1::uuid[], $2::int[], $3::int[])`, [
        banded.map((row) => row.articleId),
        banded.map((row) => row.band),
        banded.map((row) => row.value),
      ]);
    }
    const stories = new Map(
      (
        (await manager.query(`SELECT article_id::text AS "articleId", cluster_id AS "clusterId" FROM story_memberships WHERE article_id = ANY($1::uuid[])`, [
          ids,
        ])) as Array<{ articleId: string; clusterId: string }>
      ).map((row) => [row.articleId, row.clusterId]),
    );
    const articles = new Map(
      (
        (await manager.query(`SELECT a.id::text AS id, a.title, ${FEED_TIME} AS at FROM articles a WHERE a.id = ANY($1::uuid[])`, [ids])) as Array<{
          id: string;
          title: string;
          at: Date;
        }>
      ).map((row) => [row.id, row]),
    );
    const assigned: string[] = [];
    for (const input of inputs) {
      const article = articles.get(input.articleId);
      if (!article) throw new Error(`article ${input.articleId} is not in the database`);
      const clusterId = stories.get(input.articleId) ?? (await this.assignNew(manager, input, bandsOf.get(input.articleId) ?? [], article));
      stories.set(input.articleId, clusterId);
      assigned.push(clusterId);
    }
    return assigned;
  }

  /** Puts an article that is in no story yet into one (see the class); returns the story id. */
  private async assignNew(manager: EntityManager, input: StoryAssignmentInput, bands: number[], article: { title: string; at: Date }): Promise<string> {
    const { articleId } = input;
    const window = [new Date(article.at.getTime() - STORY_WINDOW_HOURS * 3600_000), new Date(article.at.getTime() + STORY_WINDOW_HOURS * 3600_000)];
    const simhash = input.simhash === undefined ? [] : await this.simhashMatches(manager, articleId, input.simhash, bands, window);
    const stories = input.embedding ? await this.storyScores(manager, articleId, input.embedding, input.modelVersion, input.keywords, window) : [];
    const best = chooseStory(simhash, stories, input.modelVersion, this.linkage);

    if (best) {
      const duplicate = best.nearDuplicate;
      // Joining counts the article into the story's size, in the same statement (nothing when a replay finds it joined).
      await manager.query(
        `WITH joined AS (
           INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity, near_duplicate_of, near_duplicate_distance, near_duplicate_cosine)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (article_id) DO NOTHING RETURNING cluster_id)
         UPDATE story_clusters SET size = size + 1, updated_at = $3 WHERE id IN (SELECT cluster_id FROM joined)`,
        [best.clusterId, articleId, input.now, best.similarity, duplicate?.articleId ?? null, duplicate?.distance ?? null, duplicate?.cosine ?? null],
      );
      return best.clusterId;
    }

    const [{ id }] = (await manager.query(
      `WITH story AS (INSERT INTO story_clusters (title, created_at, updated_at, size) VALUES ($1, $2, $2, 1) RETURNING id)
       INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity)
       SELECT story.id, $3::uuid, $2::timestamptz, 1 FROM story
       RETURNING cluster_id AS id`,
      [article.title, input.now, articleId],
    )) as Array<{ id: string }>;
    return id;
  }

  /** Articles in a story sharing a band with the fingerprint, kept when within the Hamming distance. */
  private async simhashMatches(
    manager: EntityManager,
    articleId: string,
    fingerprint: bigint,
    bands: number[],
    window: Date[],
  ): Promise<SimhashMatch[]> {
    const rows = (await manager.query(
      `SELECT DISTINCT c.article_id AS "articleId", m.cluster_id AS "clusterId", an.simhash
         FROM unnest($2::int[]) WITH ORDINALITY AS q(value, n)
         JOIN article_simhash_bands c ON c.band = q.n - 1 AND c.value = q.value
         JOIN articles a ON a.id = c.article_id
         JOIN story_memberships m ON m.article_id = c.article_id
         ${NEWEST_ANALYSIS_JOIN}
        WHERE c.article_id <> $1
          AND ${FEED_TIME} BETWEEN $3 AND $4`,
      [articleId, bands, ...window],
    )) as Array<{ articleId: string; clusterId: string; simhash: string | null }>;
    return rows.flatMap((row) => {
      if (!row.simhash || !/^[0-9a-fA-F]{16}$/.test(row.simhash)) return [];
      const distance = hammingDistance(fingerprint, BigInt(`0x${row.simhash}`));
      return distance <= NEAR_DUPLICATE_MAX_DISTANCE ? [{ articleId: row.articleId, clusterId: row.clusterId, distance }] : [];
    });
  }

  /**
   * The stories with an article of the same model above the story bar, each scored by the new article's
   * mean and largest cosine to its articles in the window (exact cosine: the window keeps it small).
   */
  private async storyScores(
    manager: EntityManager,
    articleId: string,
    embedding: number[],
    modelVersion: string,
    keywords: string[],
    window: Date[],
  ): Promise<StoryScore[]> {
    const score = this.db.pgvector
      ? `1 - (e.vec <=> $2::vector)`
      : `(SELECT sum(p.x::float8 * p.y::float8)
                 / nullif(sqrt(sum(p.x::float8 * p.x::float8)) * sqrt(sum(p.y::float8 * p.y::float8)), 0)
            FROM unnest(e.values, $2::real[]) AS p(x, y))`;
    // Only stories with an article sharing the keywords chooseStory asks for can be chosen: the cosine,
    // the costly part (exact without pgvector), is computed for their articles alone.
    const minShared = this.linkage === 'earlier' ? 0 : STORY_MIN_SHARED_KEYWORDS;
    const rows = (await manager.query(
      `WITH candidates AS MATERIALIZED (
         SELECT m.cluster_id AS "clusterId", e.article_id AS "articleId",
                cardinality(ARRAY(SELECT unnest(an.keywords) INTERSECT SELECT unnest($8::text[]))) AS shared
           FROM article_embeddings e
           JOIN articles a ON a.id = e.article_id
           JOIN story_memberships m ON m.article_id = e.article_id
           LEFT JOIN article_analyses an ON an.article_id = e.article_id AND an.model_version = e.model_version
          WHERE e.dims = $3 AND e.model_version = $4 AND e.article_id <> $1
            AND ${FEED_TIME} BETWEEN $5 AND $6)
       SELECT "clusterId", avg(similarity) AS mean, max(similarity) AS max,
              (array_agg("articleId" ORDER BY similarity DESC, "articleId"))[1] AS "closestArticleId",
              (array_agg(shared ORDER BY similarity DESC, "articleId"))[1] AS "closestSharedKeywords",
              max(shared) AS "maxSharedKeywords"
         FROM (
           SELECT c."clusterId", c."articleId", c.shared, ${score} AS similarity
             FROM candidates c
             JOIN article_embeddings e ON e.article_id = c."articleId" AND e.model_version = $4
            WHERE c."clusterId" IN (SELECT "clusterId" FROM candidates WHERE shared >= $9)) scored
        WHERE similarity IS NOT NULL AND similarity <> 'NaN'::float8
        GROUP BY "clusterId"
       HAVING max(similarity) >= $7
        ORDER BY max DESC
        LIMIT ${MAX_SCORED_STORIES}`,
      [
        articleId,
        this.db.pgvector ? toVectorLiteral(embedding) : embedding,
        embedding.length,
        modelVersion,
        ...window,
        storyMinCosine(modelVersion),
        keywords,
        minShared,
      ],
    )) as Array<{ clusterId: string; mean: number; max: number; closestArticleId: string; closestSharedKeywords: number; maxSharedKeywords: number }>;
    return rows.map((row) => ({
      clusterId: row.clusterId,
      mean: Number(row.mean),
      max: Number(row.max),
      closestArticleId: row.closestArticleId,
      closestSharedKeywords: Number(row.closestSharedKeywords),
      maxSharedKeywords: Number(row.maxSharedKeywords),
    }));
  }
}
