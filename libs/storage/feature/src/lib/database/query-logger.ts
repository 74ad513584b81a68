import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { describeSql } from './sql-summary';

/**
 * TypeORM's logger for storage: a failed query is one warning through the process's logger (JSON, with
 * the correlation id) naming its SQLSTATE, its summary and its text with literals replaced — never its
 * parameters, which hold what users send (password hashes, API key hashes, webhook secrets, feed
 * credentials). TypeORM's own console logger printed them in plain text. As before, nothing else is
 * logged (the migrate command reports its migrations itself).
 */
export class StorageQueryLogger implements TypeOrmLogger {
  private readonly logger = new Logger('storage-database');

  logQuery(): void {
    // One line per query would be noise; traces have a span per query.
  }

  logQueryError(error: string | Error, query: string): void {
    const code = typeof error === 'object' ? (error as { code?: unknown }).code : undefined;
    // PostgreSQL quotes a malformed input value at the end of its message (…for type uuid: "the value").
    const message = (typeof error === 'string' ? error : error.message).replace(/: ".*"$/s, ': "?"');
    const { summary, text } = describeSql(query);
    this.logger.warn(`query failed${typeof code === 'string' ? ` (SQLSTATE ${code})` : ''}: ${message} — ${summary || 'query'}: ${text}`);
  }

  logQuerySlow(): void {
    // maxQueryExecutionTime is not set: TypeORM never calls this.
  }

  logSchemaBuild(): void {
    // Storage never synchronises the schema: migrations own it.
  }

  logMigration(): void {
    // Quiet, as with TypeORM's logging: ['error'] before.
  }

  log(): void {
    // Likewise.
  }
}
