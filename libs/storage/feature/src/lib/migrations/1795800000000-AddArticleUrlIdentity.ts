import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A re-published item (new GUID, same URL) is the same article: upserts look articles and
 * tombstones up by (source_id, url), so tombstones keep the deleted article's URL (empty for
 * rows written before, and when the URL was shared by several articles of the source). The
 * indexes hash the URL: a btree entry cannot hold an arbitrarily long URL.
 */
export class AddArticleUrlIdentity1795800000000 implements MigrationInterface {
  name = 'AddArticleUrlIdentity1795800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE article_tombstones ADD COLUMN url text NOT NULL DEFAULT ''`);
    await queryRunner.query(`CREATE INDEX "IDX_articles_source_url" ON articles (source_id, md5(url)) WHERE url <> ''`);
    await queryRunner.query(`CREATE INDEX "IDX_article_tombstones_source_url" ON article_tombstones (source_id, md5(url)) WHERE url <> ''`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_article_tombstones_source_url"`);
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_articles_source_url"`);
    await queryRunner.query(`ALTER TABLE article_tombstones DROP COLUMN IF EXISTS url`);
  }
}
