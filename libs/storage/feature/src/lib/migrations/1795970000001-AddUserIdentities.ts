import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Accounts linked to an external identity provider (OpenID Connect): one row per issuer and subject. */
export class AddUserIdentities1795970000001 implements MigrationInterface {
  name = 'AddUserIdentities1795970000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE user_identities (
        issuer text NOT NULL,
        subject text NOT NULL,
        user_id uuid NOT NULL,
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_user_identities" PRIMARY KEY (issuer, subject),
        CONSTRAINT "FK_user_identities_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_user_identities_user_id" ON user_identities (user_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS user_identities`);
  }
}
