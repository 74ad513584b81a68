import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the scheduler and the crawler remember about each source between checks:
 * - etag / last_modified: validators of the last full response (conditional GET);
 * - effective_interval_seconds: interval_seconds adapted to how often the source publishes
 *   (starts equal to it, so existing sources keep their schedule);
 * - category: the folder path of the source (OPML import/export).
 */
export class AddSourceFetchState1795655500000 implements MigrationInterface {
  name = 'AddSourceFetchState1795655500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN etag text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN last_modified text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN category text NOT NULL DEFAULT ''`);
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN effective_interval_seconds integer NULL`);
    await queryRunner.query(`UPDATE sources SET effective_interval_seconds = interval_seconds`);
    await queryRunner.query(`ALTER TABLE sources ALTER COLUMN effective_interval_seconds SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS effective_interval_seconds`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS category`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS last_modified`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS etag`);
  }
}
