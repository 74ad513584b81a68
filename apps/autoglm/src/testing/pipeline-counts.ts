import { Client } from 'pg';

/** What the pipeline left in the database: every item stored once (no duplicate), each with exactly one analysis and one vector. */
export interface PipelineCounts {
  stored: number;
  distinctItems: number;
  analysed: number;
  notAnalysedOnce: number;
  notEmbeddedOnce: number;
}

const COUNTS_SQL = `SELECT
  (SELECT count(*) FROM articles)::int AS stored,
  (SELECT count(DISTINCT (source_id, item_key)) FROM articles)::int AS "distinctItems",
  (SELECT count(DISTINCT article_id) FROM article_analyses)::int AS analysed,
  (SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM article_analyses x WHERE x.article_id = a.id) <> 1)::int AS "notAnalysedOnce",
  (SELECT count(*) FROM articles a WHERE (SELECT count(*) FROM article_embeddings e WHERE e.article_id = a.id) <> 1)::int AS "notEmbeddedOnce"`;

/** The counts, read from the PostgreSQL database the system under test uses. */
export async function pipelineCounts(databaseUrl: string): Promise<PipelineCounts> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<PipelineCounts>(COUNTS_SQL)).rows[0];
  } catch (error) {
    // Before storage migrated, there are no tables yet: nothing is stored.
    if (/does not exist/.test((error as Error).message)) return { stored: 0, distinctItems: 0, analysed: 0, notAnalysedOnce: 0, notEmbeddedOnce: 0 };
    throw error;
  } finally {
    await client.end();
  }
}

/** The counts of a run that ended well: `total` items, each stored, analysed and embedded exactly once. */
export function completeCounts(total: number): PipelineCounts {
  return { stored: total, distinctItems: total, analysed: total, notAnalysedOnce: 0, notEmbeddedOnce: 0 };
}

/** Articles whose analysis job is in the queue (its outbox row published) but not done yet: what a lost queue would lose. */
export async function queuedForAnalysis(databaseUrl: string): Promise<number> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(DISTINCT o.article_id)::int AS n FROM outbox o
        WHERE o.published_at IS NOT NULL AND NOT EXISTS (SELECT 1 FROM article_analyses a WHERE a.article_id = o.article_id)`,
    );
    return rows[0].n;
  } catch (error) {
    if (/does not exist/.test((error as Error).message)) return 0;
    throw error;
  } finally {
    await client.end();
  }
}
