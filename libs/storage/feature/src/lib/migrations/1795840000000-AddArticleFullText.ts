import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * article_full_text: for each article of a full_text source, whether its page's text is still to be
 * read (with the attempts so far and when the next one is due), was stored, or is unavailable and why.
 * It is the work list of the crawler's full-text rounds, derived from PostgreSQL like the outbox.
 */
export class AddArticleFullText1795840000000 implements MigrationInterface {
  name = 'AddArticleFullText1795840000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE article_full_text (
        article_id uuid NOT NULL,
        source_id uuid NOT NULL,
        state smallint NOT NULL,
        feed_hash text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        failure text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_article_full_text" PRIMARY KEY (article_id),
        CONSTRAINT "FK_article_full_text_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    // Only waiting rows are claimed and counted: both indexes stay as small as the backlog.
    await queryRunner.query(`CREATE INDEX "IDX_article_full_text_due" ON article_full_text (next_attempt_at) WHERE state = 1`);
    await queryRunner.query(`CREATE INDEX "IDX_article_full_text_source_pending" ON article_full_text (source_id) WHERE state = 1`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS article_full_text`);
  }
}
