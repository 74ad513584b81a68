import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A source paused by hand records when (status PAUSED alone also means "paused after repeated
 * failures"), and the stories timeline pages through story_clusters newest first.
 */
export class AddSourcePauseAndStoryOrder1795970000000 implements MigrationInterface {
  name = 'AddSourcePauseAndStoryOrder1795970000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN paused_at timestamptz NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_story_clusters_recent" ON story_clusters (updated_at DESC, id DESC)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_story_clusters_recent"`);
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS paused_at`);
  }
}
