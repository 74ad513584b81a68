import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * For-You controls per user: follow/mute rules on topics, sources and keywords, the
 * relevance/freshness/diversity blend, and "more/less like this" feedback on articles. The user is the
 * acting user (text, as in reading_events), so every row is read and written with it in the query.
 */
export class AddFeedControls1795950000000 implements MigrationInterface {
  name = 'AddFeedControls1795950000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE feed_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        kind smallint NOT NULL,
        value text NOT NULL,
        action smallint NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT "UQ_feed_rules_user_kind_value" UNIQUE (user_id, kind, value)
      )`);
    await queryRunner.query(`
      CREATE TABLE feed_blends (
        user_id text NOT NULL,
        relevance double precision NOT NULL,
        freshness double precision NOT NULL,
        diversity double precision NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_feed_blends" PRIMARY KEY (user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE article_feedback (
        user_id text NOT NULL,
        article_id uuid NOT NULL,
        direction smallint NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_article_feedback" PRIMARY KEY (user_id, article_id),
        CONSTRAINT "FK_article_feedback_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_article_feedback_article_id" ON article_feedback (article_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS article_feedback`);
    await queryRunner.query(`DROP TABLE IF EXISTS feed_blends`);
    await queryRunner.query(`DROP TABLE IF EXISTS feed_rules`);
  }
}
