import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FEED_TIME, NEWEST_ANALYSIS_JOIN } from '../articles/article-row';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { hammingDistance, NEAR_DUPLICATE_MAX_DISTANCE, simhashBands } from './simhash';
import { cosine, scoreStories, sharedKeywords, type ScoredCandidate } from './story-batch';
import {
  chooseStory,
  STORY_MIN_SHARED_KEYWORDS,
  storyMinCosine,
  type NearDuplicate,
  type SimhashMatch,
  type StoryLinkage,
  type StoryScore,
} from './story-choice';

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

/** An article of a batch that is in no story yet: its feed time (ms) and the window of its candidates. */
interface PendingArticle {
  input: StoryAssignmentInput;
  title: string;
  at: number;
  window: [Date, Date];
  bands: number[];
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
   * inside the caller's transaction; returns their story ids. The batch costs a fixed number of statements
   * whatever its size: the SimHash bands are replaced, the articles' stories, titles and feed times read,
   * the stored candidates of every new article read (SimHash matches, and the stories sharing keywords with
   * their cosines), then the earlier articles of the batch are added to each one's candidates here, and
   * every new story and membership is written at once. (An article's own bands never match itself, and a
   * stored candidate must already be in a story, so this finds what assigning one by one found.)
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
    const rows = (await manager.query(
      `SELECT a.id::text AS id, a.title, ${FEED_TIME} AS at, m.cluster_id AS "clusterId"
         FROM articles a LEFT JOIN story_memberships m ON m.article_id = a.id
        WHERE a.id = ANY($1::uuid[])`,
      [ids],
    )) as Array<{ id: string; title: string; at: Date; clusterId: string | null }>;
    const articles = new Map(rows.map((row) => [row.id, row]));
    const stories = new Map(rows.flatMap((row) => (row.clusterId ? [[row.id, row.clusterId] as const] : [])));

    // The articles this batch puts into a story: each one's first input (a later one finds it in a story).
    const pending: PendingArticle[] = [];
    for (const input of inputs) {
      const article = articles.get(input.articleId);
      if (!article) throw new Error(`article ${input.articleId} is not in the database`);
      if (stories.has(input.articleId) || pending.some((p) => p.input.articleId === input.articleId)) continue;
      const at = article.at.getTime();
      const window: [Date, Date] = [new Date(at - STORY_WINDOW_HOURS * 3600_000), new Date(at + STORY_WINDOW_HOURS * 3600_000)];
      pending.push({ input, title: article.title, at, window, bands: bandsOf.get(input.articleId) ?? [] });
    }
    if (pending.length > 0) await this.assignPending(manager, pending, stories, inputs);
    return inputs.map((input) => stories.get(input.articleId) as string);
  }

  /** Chooses the story of each pending article in order (see the class), then writes them all; fills `stories`. */
  private async assignPending(manager: EntityManager, pending: readonly PendingArticle[], stories: Map<string, string>, inputs: readonly StoryAssignmentInput[]): Promise<void> {
    const minShared = this.linkage === 'earlier' ? 0 : STORY_MIN_SHARED_KEYWORDS;
    const simhashRows = await this.simhashMatches(manager, pending);
    const scoreRows = await this.candidates(manager, pending, minShared);
    // The SimHash an earlier article of the batch shows later ones: its newest analysis' (the greatest model version of the batch).
    const simhashOf = new Map<string, bigint | undefined>();
    for (const input of [...inputs].sort((a, b) => (a.modelVersion < b.modelVersion ? -1 : a.modelVersion > b.modelVersion ? 1 : 0))) {
      simhashOf.set(input.articleId, input.simhash);
    }
    const newStories = new Map<string, { title: string; size: number }>();
    const joins: Array<{ clusterId: string; articleId: string; similarity: number; nearDuplicate?: NearDuplicate }> = [];
    const assignedHere: PendingArticle[] = [];
    for (const [k, article] of pending.entries()) {
      const { input, window } = article;
      const earlier = assignedHere.filter((e) => e.input.articleId !== input.articleId && e.at >= window[0].getTime() && e.at <= window[1].getTime());
      const simhash = input.simhash === undefined ? [] : [...(simhashRows.get(k) ?? [])];
      if (input.simhash !== undefined) {
        for (const e of earlier) {
          const theirs = simhashOf.get(e.input.articleId);
          if (theirs === undefined) continue;
          // Within the distance they share a band (pigeonhole), as the stored candidates must.
          const distance = hammingDistance(input.simhash, theirs);
          if (distance <= NEAR_DUPLICATE_MAX_DISTANCE) simhash.push({ articleId: e.input.articleId, clusterId: stories.get(e.input.articleId) as string, distance });
        }
      }
      let scores: StoryScore[] = [];
      if (input.embedding) {
        const embedding = input.embedding;
        const candidates = [...(scoreRows.get(k) ?? [])];
        for (const e of earlier) {
          if (!e.input.embedding || e.input.modelVersion !== input.modelVersion || e.input.embedding.length !== embedding.length) continue;
          candidates.push({
            clusterId: stories.get(e.input.articleId) as string,
            articleId: e.input.articleId,
            shared: sharedKeywords(e.input.keywords, input.keywords),
            similarity: cosine(e.input.embedding, embedding),
          });
        }
        // A stored story an earlier article of the batch joined may now qualify through it alone: its stored
        // articles were not read for this article, so they are read now (rare: the joiner shares keywords the rest do not).
        const unread = [...new Set(candidates.filter((c) => c.shared >= minShared && !newStories.has(c.clusterId)).map((c) => c.clusterId))].filter(
          (clusterId) => !(scoreRows.get(k) ?? []).some((c) => c.clusterId === clusterId),
        );
        if (unread.length > 0) candidates.push(...((await this.candidates(manager, [article], minShared, unread)).get(0) ?? []));
        scores = scoreStories(candidates, minShared, storyMinCosine(input.modelVersion), MAX_SCORED_STORIES);
      }
      const best = chooseStory(simhash, scores, input.modelVersion, this.linkage);
      let clusterId: string;
      if (best) {
        clusterId = best.clusterId;
        joins.push({ clusterId, articleId: input.articleId, similarity: best.similarity, ...(best.nearDuplicate ? { nearDuplicate: best.nearDuplicate } : {}) });
        const fresh = newStories.get(clusterId);
        if (fresh) fresh.size += 1;
      } else {
        clusterId = randomUUID();
        newStories.set(clusterId, { title: article.title, size: 1 });
        joins.push({ clusterId, articleId: input.articleId, similarity: 1 });
      }
      stories.set(input.articleId, clusterId);
      assignedHere.push(article);
    }
    await this.write(manager, newStories, joins, pending[0]?.input.now ?? new Date());
  }

  /**
   * Writes the batch's new stories (their size: the batch's articles in them) and every membership, and
   * counts the joiners into the stored stories they joined, in one statement. Nothing is written twice
   * for a replay: an article already in a story keeps it (the assignment runs under STORY_ASSIGNMENT_LOCK).
   */
  private async write(
    manager: EntityManager,
    newStories: ReadonlyMap<string, { title: string; size: number }>,
    joins: ReadonlyArray<{ clusterId: string; articleId: string; similarity: number; nearDuplicate?: NearDuplicate }>,
    now: Date,
  ): Promise<void> {
    const fresh = [...newStories];
    await manager.query(
      `WITH created AS (
         INSERT INTO story_clusters (id, title, created_at, updated_at, size)
         SELECT s.id, s.title, $1, $1, s.size FROM unnest($2::uuid[], $3::text[], $4::int[]) AS s(id, title, size)
         RETURNING id),
       joined AS (
         INSERT INTO story_memberships (cluster_id, article_id, joined_at, similarity, near_duplicate_of, near_duplicate_distance, near_duplicate_cosine)
         SELECT j.cluster_id, j.article_id, $1, j.similarity, j.near_duplicate_of, j.near_duplicate_distance, j.near_duplicate_cosine
           FROM unnest($5::uuid[], $6::uuid[], $7::float8[], $8::uuid[], $9::int[], $10::float8[])
                AS j(cluster_id, article_id, similarity, near_duplicate_of, near_duplicate_distance, near_duplicate_cosine)
         ON CONFLICT (article_id) DO NOTHING RETURNING cluster_id)
       UPDATE story_clusters c SET size = c.size + n.joined, updated_at = $1
         FROM (SELECT cluster_id, count(*)::int AS joined FROM joined WHERE cluster_id <> ALL($2::uuid[]) GROUP BY cluster_id) n
        WHERE c.id = n.cluster_id`,
      [
        now,
        fresh.map(([id]) => id),
        fresh.map(([, s]) => s.title),
        fresh.map(([, s]) => s.size),
        joins.map((j) => j.clusterId),
        joins.map((j) => j.articleId),
        joins.map((j) => j.similarity),
        joins.map((j) => j.nearDuplicate?.articleId ?? null),
        joins.map((j) => j.nearDuplicate?.distance ?? null),
        joins.map((j) => j.nearDuplicate?.cosine ?? null),
      ],
    );
  }

  /** Per pending article (by index): stored articles in a story sharing a band with its fingerprint, kept when within the Hamming distance. */
  private async simhashMatches(manager: EntityManager, pending: readonly PendingArticle[]): Promise<Map<number, SimhashMatch[]>> {
    const bands = pending.flatMap((p, i) => (p.input.simhash === undefined ? [] : p.bands.map((value, band) => ({ i, band, value, p }))));
    const matches = new Map<number, SimhashMatch[]>();
    if (bands.length === 0) return matches;
    const rows = (await manager.query(
      `SELECT DISTINCT q.i, c.article_id AS "articleId", m.cluster_id AS "clusterId", an.simhash
         FROM unnest($1::int[], $2::int[], $3::int[], $4::uuid[], $5::timestamptz[], $6::timestamptz[]) AS q(i, band, value, self, lo, hi)
         JOIN article_simhash_bands c ON c.band = q.band AND c.value = q.value
         JOIN articles a ON a.id = c.article_id
         JOIN story_memberships m ON m.article_id = c.article_id
         ${NEWEST_ANALYSIS_JOIN}
        WHERE c.article_id <> q.self
          AND ${FEED_TIME} BETWEEN q.lo AND q.hi`,
      [
        bands.map((b) => b.i),
        bands.map((b) => b.band),
        bands.map((b) => b.value),
        bands.map((b) => b.p.input.articleId),
        bands.map((b) => b.p.window[0]),
        bands.map((b) => b.p.window[1]),
      ],
    )) as Array<{ i: number; articleId: string; clusterId: string; simhash: string | null }>;
    for (const row of rows) {
      const fingerprint = pending[row.i]?.input.simhash;
      if (fingerprint === undefined || !row.simhash || !/^[0-9a-fA-F]{16}$/.test(row.simhash)) continue;
      const distance = hammingDistance(fingerprint, BigInt(`0x${row.simhash}`));
      if (distance > NEAR_DUPLICATE_MAX_DISTANCE) continue;
      const list = matches.get(row.i) ?? [];
      list.push({ articleId: row.articleId, clusterId: row.clusterId, distance });
      matches.set(row.i, list);
    }
    return matches;
  }

  /**
   * Per pending article with an embedding (by index): the stored articles of the same model in its window,
   * in a story with an article sharing `minShared` keywords with it (found through the keyword index; see
   * storiesSharingKeywords) or, given `clusters`, in those stories,
   * with the keywords each shares and its cosine to the new article. With pgvector the cosine is computed
   * there; without, the stored vectors come back and the cosine is computed here (exact cosine over real[]
   * in SQL cost ~175 ms per article on PostgreSQL).
   */
  private async candidates(
    manager: EntityManager,
    pending: readonly PendingArticle[],
    minShared: number,
    clusters?: readonly string[],
  ): Promise<Map<number, ScoredCandidate[]>> {
    const asked = pending.flatMap((p, i) => (p.input.embedding ? [{ i, p, embedding: p.input.embedding }] : []));
    const found = new Map<number, ScoredCandidate[]>();
    if (asked.length === 0) return found;
    const starts: number[] = [];
    let offset = 1;
    for (const a of asked) {
      starts.push(offset);
      offset += a.embedding.length;
    }
    const pgvector = this.db.pgvector;
    const similarity = pgvector ? `1 - (e.vec <=> (($10::real[])[q.start : q.start + q.dims - 1])::vector)` : `e.values`;
    const rows = (await manager.query(
      `WITH q AS MATERIALIZED (
         SELECT q.i, q.self, q.model, q.dims, q.lo, q.hi, q.start, ARRAY(SELECT jsonb_array_elements_text(q.keywords)) AS keywords
           FROM unnest($1::int[], $2::uuid[], $3::text[], $4::int[], $5::timestamptz[], $6::timestamptz[], $7::int[], $8::jsonb[])
                AS q(i, self, model, dims, lo, hi, start, keywords)),
       scored AS MATERIALIZED (${clusters ? `SELECT q.i, c.id AS cluster_id FROM q, unnest($9::uuid[]) AS c(id)` : storiesSharingKeywords(minShared)})
       SELECT s.i, m.cluster_id AS "clusterId", a.id AS "articleId",
              cardinality(ARRAY(SELECT unnest(an.keywords) INTERSECT SELECT unnest(q.keywords))) AS shared,
              ${similarity} AS similarity
         FROM scored s
         JOIN q ON q.i = s.i
         JOIN story_memberships m ON m.cluster_id = s.cluster_id
         JOIN articles a ON a.id = m.article_id AND a.id <> q.self AND ${FEED_TIME} BETWEEN q.lo AND q.hi
         JOIN article_embeddings e ON e.article_id = a.id AND e.model_version = q.model AND e.dims = q.dims
         LEFT JOIN article_analyses an ON an.article_id = a.id AND an.model_version = q.model`,
      [
        asked.map((_, n) => n),
        asked.map((a) => a.p.input.articleId),
        asked.map((a) => a.p.input.modelVersion),
        asked.map((a) => a.embedding.length),
        asked.map((a) => a.p.window[0]),
        asked.map((a) => a.p.window[1]),
        starts,
        asked.map((a) => JSON.stringify(a.p.input.keywords)),
        clusters ? [...clusters] : minShared,
        ...(pgvector ? [asked.flatMap((a) => a.embedding)] : []),
      ],
    )) as Array<{ i: number; clusterId: string; articleId: string; shared: number; similarity: number | string | null | number[] }>;
    for (const row of rows) {
      const a = asked[row.i];
      if (!a) continue;
      const value = row.similarity;
      const cos = Array.isArray(value) ? cosine(value.map(Number), a.embedding) : value === null ? null : Number(value);
      const list = found.get(a.i) ?? [];
      list.push({ clusterId: row.clusterId, articleId: row.articleId, shared: Number(row.shared), similarity: cos });
      found.set(a.i, list);
    }
    return found;
  }
}

/**
 * The (input, story) pairs worth scoring: stories with an article in the input's window (of its model) sharing
 * `minShared` ($9) keywords with it. Driven by the keyword index (`keywords && …`, IDX_article_analyses_keywords)
 * when some keyword must be shared, so the window's other articles are never read; else every story in the window.
 */
function storiesSharingKeywords(minShared: number): string {
  const shared = `cardinality(ARRAY(SELECT unnest(an.keywords) INTERSECT SELECT unnest(q.keywords))) >= $9`;
  const inWindow = `a.id <> q.self AND ${FEED_TIME} BETWEEN q.lo AND q.hi`;
  const embedded = `JOIN article_embeddings e ON e.article_id = a.id AND e.model_version = q.model AND e.dims = q.dims
         JOIN story_memberships m ON m.article_id = a.id`;
  return minShared > 0
    ? `SELECT DISTINCT q.i, m.cluster_id FROM q
         JOIN article_analyses an ON an.model_version = q.model AND an.keywords && q.keywords
         JOIN articles a ON a.id = an.article_id AND ${inWindow}
         ${embedded}
        WHERE ${shared}`
    : `SELECT DISTINCT q.i, m.cluster_id FROM q
         JOIN articles a ON ${inWindow}
         ${embedded}
         LEFT JOIN article_analyses an ON an.article_id = a.id AND an.model_version = q.model
        WHERE ${shared}`;
}
