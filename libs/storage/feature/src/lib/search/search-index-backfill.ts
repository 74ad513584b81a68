import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { STORAGE_DATABASE, type StorageDatabase } from '../database/storage-database';
import { SEARCH_VECTOR_SQL } from './search-sql';
import { SearchSegmenter } from './search-segmenter';

/** Rows per statement: small enough that PGlite's one session is never held long. */
export const BACKFILL_BATCH = 200;

/**
 * Fills search_vector for articles that have none (written before search existed, or by an older
 * version), in bounded batches in the background after start-up, so the service answers at once;
 * until it finishes, text search simply does not see those articles yet.
 */
@Injectable()
export class SearchIndexBackfill implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SearchIndexBackfill.name);
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    @Inject(STORAGE_DATABASE) private readonly db: StorageDatabase,
    private readonly segmenter: SearchSegmenter,
  ) {}

  onApplicationBootstrap(): void {
    this.running = this.run().then(
      () => undefined,
      (error: unknown) => this.logger.error(`search index backfill stopped: ${(error as Error).message}`),
    );
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    await this.running;
  }

  /** Resolves when every article has a search_vector (or the service is stopping); returns how many were filled. */
  async run(): Promise<number> {
    let filled = 0;
    while (!this.stopped) {
      const rows = (await this.db.dataSource.query(
        `SELECT id, title, text FROM articles WHERE search_vector IS NULL ORDER BY id LIMIT $1`,
        [BACKFILL_BATCH],
      )) as Array<{ id: string; title: string; text: string }>;
      if (rows.length === 0) break;
      if (filled === 0) this.logger.log('search index: filling search_vector of existing articles');
      await this.db.dataSource.query(
        `UPDATE articles a SET search_vector = ${SEARCH_VECTOR_SQL('d.title', 'd.body')}
           FROM unnest($1::uuid[], $2::text[], $3::text[]) AS d(id, title, body)
          WHERE a.id = d.id AND a.search_vector IS NULL`,
        [rows.map((r) => r.id), rows.map((r) => this.segmenter.document(r.title)), rows.map((r) => this.segmenter.document(r.text))],
      );
      filled += rows.length;
      this.logger.log(`search index: ${filled} articles filled`);
    }
    if (filled > 0) this.logger.log(`search index: backfill done (${filled} articles)`);
    return filled;
  }
}
