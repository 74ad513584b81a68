import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * articles.item_number and sources.feed_number: stable positive 64-bit numbers for the feed-reader
 * protocols whose ids are integers (Google Reader item ids, Fever item and feed ids). A sequence
 * gives them, so a newer article always has a larger number (Fever's since_id sync relies on it);
 * existing rows are numbered when the column is added.
 */
export class AddItemNumbers1795850000000 implements MigrationInterface {
  name = 'AddItemNumbers1795850000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE articles ADD COLUMN item_number bigserial NOT NULL`);
    await queryRunner.query(`ALTER TABLE articles ADD CONSTRAINT "UQ_articles_item_number" UNIQUE (item_number)`);
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN feed_number bigserial NOT NULL`);
    await queryRunner.query(`ALTER TABLE sources ADD CONSTRAINT "UQ_sources_feed_number" UNIQUE (feed_number)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS feed_number`);
    await queryRunner.query(`ALTER TABLE articles DROP COLUMN IF EXISTS item_number`);
  }
}
