import type { MigrationInterface, QueryRunner } from 'typeorm';

/** article_llm_summaries: each article's abstractive summary from the optional LLM endpoint, beside its extractive one. */
export class AddArticleLlmSummaries1795940000000 implements MigrationInterface {
  name = 'AddArticleLlmSummaries1795940000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE article_llm_summaries (
        article_id uuid NOT NULL,
        summary text NOT NULL,
        language text NOT NULL,
        model text NOT NULL,
        tokens integer NOT NULL,
        input_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_article_llm_summaries" PRIMARY KEY (article_id),
        CONSTRAINT "FK_article_llm_summaries_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS article_llm_summaries`);
  }
}
