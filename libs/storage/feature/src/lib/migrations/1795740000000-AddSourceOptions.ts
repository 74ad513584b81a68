import type { MigrationInterface, QueryRunner } from 'typeorm';

/** source_options: the options of a JSON API or web-page source (JSON text); empty for feeds. */
export class AddSourceOptions1795740000000 implements MigrationInterface {
  name = 'AddSourceOptions1795740000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN source_options text NOT NULL DEFAULT ''`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS source_options`);
  }
}
