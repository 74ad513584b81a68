import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Web-reader sign-in: a user's password (the gateway's salted scrypt hash; NULL = API keys only) and
 * browser sessions, stored as the SHA-256 of their random token with an expiry. Sessions cascade with
 * their user.
 */
export class AddPasswordsAndSessions1795900000000 implements MigrationInterface {
  name = 'AddPasswordsAndSessions1795900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users ADD COLUMN password_hash text`);
    await queryRunner.query(`
      CREATE TABLE user_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        token_hash text NOT NULL,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        CONSTRAINT "UQ_user_sessions_token_hash" UNIQUE (token_hash),
        CONSTRAINT "FK_user_sessions_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_user_sessions_user_id" ON user_sessions (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS user_sessions`);
    await queryRunner.query(`ALTER TABLE users DROP COLUMN IF EXISTS password_hash`);
  }
}
