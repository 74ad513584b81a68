import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The initial schema. pgvector is optional: the `vec` column exists only where the extension
 * is available (PGlite ships it; a plain PostgreSQL server may not), and storage then falls
 * back to an exact cosine over the real[] column.
 */
export class CreateInitialSchema1764000000000 implements MigrationInterface {
  name = 'CreateInitialSchema1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE sources (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        url text NOT NULL,
        title text NOT NULL DEFAULT '',
        kind smallint NOT NULL,
        status smallint NOT NULL,
        interval_seconds integer NOT NULL,
        last_error text NOT NULL DEFAULT '',
        consecutive_failures integer NOT NULL DEFAULT 0,
        last_fetched_at timestamptz NULL,
        next_check_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        origin text NOT NULL DEFAULT 'api',
        CONSTRAINT "UQ_sources_url" UNIQUE (url)
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_sources_next_check_at" ON sources (next_check_at)`);

    await queryRunner.query(`
      CREATE TABLE articles (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        source_id uuid NOT NULL,
        item_key text NOT NULL,
        guid text NOT NULL DEFAULT '',
        url text NOT NULL DEFAULT '',
        title text NOT NULL DEFAULT '',
        author text NOT NULL DEFAULT '',
        published_at timestamptz NULL,
        fetched_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        content_html text NOT NULL DEFAULT '',
        text text NOT NULL DEFAULT '',
        content_hash text NOT NULL,
        CONSTRAINT "UQ_articles_source_item_key" UNIQUE (source_id, item_key),
        CONSTRAINT "FK_articles_source" FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_articles_source_id" ON articles (source_id)`);
    // The feed order (newest first, keyset pagination).
    await queryRunner.query(
      `CREATE INDEX "IDX_articles_feed_order" ON articles ((coalesce(published_at, fetched_at)) DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE article_analyses (
        article_id uuid NOT NULL,
        model_version text NOT NULL,
        language text NOT NULL DEFAULT '',
        keywords text[] NOT NULL DEFAULT '{}',
        topic text NOT NULL DEFAULT '',
        summary text NOT NULL DEFAULT '',
        simhash text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_article_analyses" PRIMARY KEY (article_id, model_version),
        CONSTRAINT "FK_article_analyses_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_article_analyses_newest" ON article_analyses (article_id, created_at DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE article_embeddings (
        article_id uuid NOT NULL,
        model_version text NOT NULL,
        dims integer NOT NULL,
        values real[] NOT NULL,
        CONSTRAINT "PK_article_embeddings" PRIMARY KEY (article_id, model_version),
        CONSTRAINT "FK_article_embeddings_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);

    await queryRunner.query(`
      CREATE TABLE reading_events (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id text NOT NULL,
        article_id uuid NOT NULL,
        type smallint NOT NULL,
        dwell_seconds double precision NOT NULL DEFAULT 0,
        occurred_at timestamptz NOT NULL,
        CONSTRAINT "FK_reading_events_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(
      `CREATE INDEX "IDX_reading_events_user_occurred" ON reading_events (user_id, occurred_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        article_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz NULL,
        CONSTRAINT "FK_outbox_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_outbox_unpublished" ON outbox (id) WHERE published_at IS NULL`);

    const available = (await queryRunner.query(
      `SELECT 1 FROM pg_available_extensions WHERE name = 'vector'`,
    )) as unknown[];
    if (available.length > 0) {
      await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS vector`);
      // No fixed dimension: models of different sizes coexist (queries filter on dims).
      await queryRunner.query(`ALTER TABLE article_embeddings ADD COLUMN vec vector`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS outbox`);
    await queryRunner.query(`DROP TABLE IF EXISTS reading_events`);
    await queryRunner.query(`DROP TABLE IF EXISTS article_embeddings`);
    await queryRunner.query(`DROP TABLE IF EXISTS article_analyses`);
    await queryRunner.query(`DROP TABLE IF EXISTS articles`);
    await queryRunner.query(`DROP TABLE IF EXISTS sources`);
  }
}
