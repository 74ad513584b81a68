import type { MigrationInterface, QueryRunner } from 'typeorm';

/** full_text: fetch each new item's page and keep its extracted main content (feeds that carry teasers). */
export class AddSourceFullText1795730000000 implements MigrationInterface {
  name = 'AddSourceFullText1795730000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN full_text boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS full_text`);
  }
}
