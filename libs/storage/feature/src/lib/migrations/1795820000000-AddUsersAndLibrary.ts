import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users and what they own: API keys (SHA-256 only), subscriptions to sources, read/star marks on
 * articles and saved searches. Every owned row cascades with its user.
 */
export class AddUsersAndLibrary1795820000000 implements MigrationInterface {
  name = 'AddUsersAndLibrary1795820000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL,
        is_admin boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        CONSTRAINT "UQ_users_name" UNIQUE (name)
      )`);
    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        key_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        last_used_at timestamptz,
        revoked_at timestamptz,
        CONSTRAINT "UQ_api_keys_key_hash" UNIQUE (key_hash),
        CONSTRAINT "FK_api_keys_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_api_keys_user_id" ON api_keys (user_id)`);
    await queryRunner.query(`
      CREATE TABLE subscriptions (
        user_id uuid NOT NULL,
        source_id uuid NOT NULL,
        category text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_subscriptions" PRIMARY KEY (user_id, source_id),
        CONSTRAINT "FK_subscriptions_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT "FK_subscriptions_source" FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_subscriptions_source_id" ON subscriptions (source_id)`);
    await queryRunner.query(`
      CREATE TABLE article_states (
        user_id uuid NOT NULL,
        article_id uuid NOT NULL,
        read_at timestamptz,
        starred_at timestamptz,
        CONSTRAINT "PK_article_states" PRIMARY KEY (user_id, article_id),
        CONSTRAINT "FK_article_states_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT "FK_article_states_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_article_states_article_id" ON article_states (article_id)`);
    await queryRunner.query(`
      CREATE TABLE saved_searches (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        query text NOT NULL,
        mode smallint NOT NULL,
        filters text NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL,
        CONSTRAINT "UQ_saved_searches_user_name" UNIQUE (user_id, name),
        CONSTRAINT "FK_saved_searches_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['saved_searches', 'article_states', 'subscriptions', 'api_keys', 'users']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
