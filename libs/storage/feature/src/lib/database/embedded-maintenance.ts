import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { STORAGE_DATABASE, type StorageDatabase } from './storage-database';

/** How often the embedded database's tables are checked for vacuum and analyze. */
export const MAINTENANCE_INTERVAL_MS = 60_000;

interface TableActivity {
  table: string;
  live: number;
  dead: number;
  modifiedSinceAnalyze: number;
  insertedSinceVacuum: number;
  /** pg_class.reltuples: -1 until the table was first vacuumed or analyzed. */
  estimatedRows: number;
}

export type MaintenanceAction = { kind: 'vacuum' | 'analyze'; table: string } | { kind: 'gin-pending'; index: string };

/**
 * What autovacuum does on a PostgreSQL server, for the embedded database (PGlite has no
 * autovacuum daemon): tables get VACUUM (ANALYZE) or ANALYZE by autovacuum's default rules, so
 * the planner has statistics (a never-analyzed table is planned from guesses), dead rows of
 * upserts are reclaimed, and GIN indexes' pending lists are merged. A full-text query scans its
 * index's whole pending list: after loading 5,000 articles, 219 pending pages made a search 1.7×
 * slower (0.78 ms instead of 1.74 ms p50 in tools/bench/search-query's corpus).
 * At start-up the pending lists left by the last run are merged and tables never analyzed are
 * analyzed (the activity counters autovacuum's rules read start from zero in every session).
 * Off on a server, where autovacuum runs.
 */
@Injectable()
export class EmbeddedMaintenance implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(EmbeddedMaintenance.name);
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<MaintenanceAction[]> | undefined;
  private stopped = false;

  constructor(@Inject(STORAGE_DATABASE) private readonly db: StorageDatabase) {}

  onApplicationBootstrap(): void {
    if (!this.db.embedded) return;
    this.timer = setInterval(() => void this.runOnce(false), MAINTENANCE_INTERVAL_MS);
    this.timer.unref();
    setImmediate(() => void this.runOnce(true));
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.round;
  }

  /** One round (skipped while one runs or after stop); errors are logged, not thrown. */
  runOnce(startUp: boolean): Promise<MaintenanceAction[]> {
    if (this.round || this.stopped) return this.round ?? Promise.resolve([]);
    this.round = this.maintain(startUp)
      .catch((error: unknown) => {
        this.logger.warn(`database maintenance failed: ${(error as Error).message}`);
        return [];
      })
      .finally(() => {
        this.round = undefined;
      });
    return this.round;
  }

  /** Vacuums and analyzes what autovacuum's rules call for; at start-up also merges GIN pending lists. One log line per round. */
  async maintain(startUp: boolean): Promise<MaintenanceAction[]> {
    const started = Date.now();
    const done = await this.actions(startUp);
    if (done.length > 0) {
      const count = (kind: MaintenanceAction['kind']) => done.filter((a) => a.kind === kind).length;
      const parts = [
        count('vacuum') && `vacuumed ${count('vacuum')} table(s)`,
        count('analyze') && `analyzed ${count('analyze')} table(s)`,
        count('gin-pending') && `merged ${count('gin-pending')} GIN pending list(s)`,
      ].filter(Boolean);
      this.logger.log(`database maintenance: ${parts.join(', ')} in ${Date.now() - started} ms`);
    }
    return done;
  }

  private async actions(startUp: boolean): Promise<MaintenanceAction[]> {
    const done: MaintenanceAction[] = [];
    if (startUp) {
      const gin = (await this.db.dataSource.query(
        `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS index
           FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am am ON am.oid = c.relam
           JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE am.amname = 'gin' AND n.nspname = current_schema()`,
      )) as Array<{ index: string }>;
      for (const { index } of gin) {
        if (this.stopped) return done;
        await this.timed(`merged the pending list of ${index}`, () => this.db.dataSource.query(`SELECT gin_clean_pending_list($1::regclass)`, [index]));
        done.push({ kind: 'gin-pending', index });
      }
    }
    for (const activity of await this.activity()) {
      if (this.stopped) break;
      // The counters start from zero in every session: a table never analyzed is analyzed at start-up.
      const kind = needs(activity) ?? (startUp && activity.estimatedRows < 0 ? 'analyze' : undefined);
      if (!kind) continue;
      const table = `"${activity.table.replaceAll('"', '""')}"`;
      await this.timed(`${kind === 'vacuum' ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${activity.table}`, () =>
        this.db.dataSource.query(kind === 'vacuum' ? `VACUUM (ANALYZE) ${table}` : `ANALYZE ${table}`),
      );
      done.push({ kind, table: activity.table });
    }
    return done;
  }

  private async activity(): Promise<TableActivity[]> {
    // A session reports its counters at most once a second; this makes it report them now.
    await this.db.dataSource.query(`SELECT pg_stat_force_next_flush()`);
    return (await this.db.dataSource.query(
      `SELECT s.relname AS "table", s.n_live_tup::float8 AS live, s.n_dead_tup::float8 AS dead,
              s.n_mod_since_analyze::float8 AS "modifiedSinceAnalyze", s.n_ins_since_vacuum::float8 AS "insertedSinceVacuum",
              c.reltuples::float8 AS "estimatedRows"
         FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
        WHERE s.schemaname = current_schema()
        ORDER BY s.relname`,
    )) as TableActivity[];
  }

  private async timed(what: string, run: () => Promise<unknown>): Promise<void> {
    const started = Date.now();
    await run();
    this.logger.debug(`database maintenance: ${what} in ${Date.now() - started} ms`);
  }
}

/**
 * Autovacuum's default thresholds (PostgreSQL 15): vacuum when dead rows exceed 50 + 20 % of the
 * table or inserts since the last vacuum exceed 1,000 + 20 %; analyze when changes since the last
 * analyze exceed 50 + 10 %, or a table with rows was never analyzed.
 */
export function needs(t: TableActivity): 'vacuum' | 'analyze' | undefined {
  const rows = Math.max(t.live, t.estimatedRows, 0);
  if (t.dead > 50 + 0.2 * rows || t.insertedSinceVacuum > 1_000 + 0.2 * rows) return 'vacuum';
  if (t.modifiedSinceAnalyze > 50 + 0.1 * rows || (t.estimatedRows < 0 && t.live > 0)) return 'analyze';
  return undefined;
}
