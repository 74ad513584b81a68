import { Client } from 'pg';
import { createClient } from 'redis';

/** A fresh database on the machine's PostgreSQL and a Redis database of its own, for one run of the system. */
export interface ServerBackend {
  databaseUrl: string;
  redisUrl: string;
  /** Empties the Redis database and drops the PostgreSQL one. */
  cleanup(): Promise<void>;
}

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

async function flushRedis(url: string): Promise<void> {
  const redis = createClient({ url });
  await redis.connect();
  await redis.flushDb();
  await redis.quit();
}

/**
 * Creates `<label>_<pid>_<time>` on PostgreSQL (127.0.0.1:5432) and picks Redis database 1–15 by the
 * process id (never 0; `redisSalt` keeps two suites of one process apart), emptied before and after,
 * so that parallel runs on the same servers never share rows or jobs.
 */
export async function startServerBackend(label: string, redisSalt = 0): Promise<ServerBackend> {
  const database = `${label}_${process.pid}_${Date.now()}`;
  const admin = new Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  const redisUrl = `redis://127.0.0.1:6379/${1 + ((process.pid + redisSalt) % 15)}`;
  await flushRedis(redisUrl);
  return {
    databaseUrl: `postgres://postgres@127.0.0.1:5432/${database}`,
    redisUrl,
    cleanup: async () => {
      await flushRedis(redisUrl);
      const client = new Client({ connectionString: ADMIN_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await client.end();
    },
  };
}
