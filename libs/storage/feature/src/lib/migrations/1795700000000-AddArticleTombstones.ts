import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tombstones of deleted articles: (source_id, item_key) of every article a user deleted, so that
 * the feed still listing the item does not bring the article back on the next upsert.
 */
export class AddArticleTombstones1795700000000 implements MigrationInterface {
  name = 'AddArticleTombstones1795700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE article_tombstones (
        source_id uuid NOT NULL,
        item_key text NOT NULL,
        deleted_at timestamptz NOT NULL,
        CONSTRAINT "PK_article_tombstones" PRIMARY KEY (source_id, item_key),
        CONSTRAINT "FK_article_tombstones_source" FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS article_tombstones`);
  }
}
