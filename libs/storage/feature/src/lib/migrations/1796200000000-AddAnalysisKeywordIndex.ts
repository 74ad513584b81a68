import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Story assignment looks for the articles that share keywords with a new one (`keywords && $1`): a GIN
 * index on the analyses' keywords finds them without reading every analysis of the 72-hour window.
 */
export class AddAnalysisKeywordIndex1796200000000 implements MigrationInterface {
  name = 'AddAnalysisKeywordIndex1796200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "IDX_article_analyses_keywords" ON article_analyses USING gin (keywords)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_article_analyses_keywords"`);
  }
}
