import { Logger } from '@nestjs/common';
import type { Logger as TypeOrmLogger } from 'typeorm';
import { StorageQueryLogger } from './query-logger';

describe(StorageQueryLogger.name, () => {
  const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  const log = jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  afterEach(() => jest.clearAllMocks());
  afterAll(() => jest.restoreAllMocks());

  it('logs a failed query with its SQLSTATE and summary, never its parameters or the value the server quotes', () => {
    const error = Object.assign(new Error('invalid input syntax for type uuid: "whsec_secret-1"'), { code: '22P02' });

    const sut: TypeOrmLogger = new StorageQueryLogger();
    sut.logQueryError(error, `INSERT INTO webhook_endpoints (secret, url) VALUES ($1, 'https://x.example/?token=t2')`, ['whsec_secret-1', 'hunter2']);

    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0] as [string];
    expect(line).toBe('query failed (SQLSTATE 22P02): invalid input syntax for type uuid: "?" — INSERT webhook_endpoints: INSERT INTO webhook_endpoints (secret, url) VALUES ($1, ?)');
    expect(line).not.toMatch(/whsec|hunter2|t2/);
  });

  it('logs nothing else: each query, migrations and TypeORM\'s own messages stay out, as before', () => {
    const sut = new StorageQueryLogger();

    sut.logQuery();
    sut.logQuerySlow();
    sut.logSchemaBuild();
    sut.logMigration();
    sut.log();

    expect([...warn.mock.calls, ...log.mock.calls]).toEqual([]);
  });
});
