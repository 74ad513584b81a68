import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search: articles.search_vector (title weight A, text weight B, built by storage from
 * jieba-segmented words with the 'simple' configuration) and its GIN index. Existing rows start
 * NULL and are filled by storage's start-up backfill (segmentation happens in Node, not in SQL).
 */
export class AddArticleSearch1795600000000 implements MigrationInterface {
  name = 'AddArticleSearch1795600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE articles ADD COLUMN search_vector tsvector NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_articles_search_vector" ON articles USING gin (search_vector)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_articles_search_vector"`);
    await queryRunner.query(`ALTER TABLE articles DROP COLUMN IF EXISTS search_vector`);
  }
}
