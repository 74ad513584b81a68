import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * websub_subscriptions: one WebSub subscription per source (the hub its feed advertises), with
 * its state, HMAC secret, lease and when the subscriber acts next (renew_at).
 */
export class AddWebSubSubscriptions1795810000000 implements MigrationInterface {
  name = 'AddWebSubSubscriptions1795810000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE websub_subscriptions (
        source_id uuid NOT NULL,
        hub_url text NOT NULL,
        topic_url text NOT NULL,
        state smallint NOT NULL,
        secret text NOT NULL DEFAULT '',
        lease_seconds integer NOT NULL DEFAULT 0,
        lease_expires_at timestamptz,
        renew_at timestamptz,
        last_error text NOT NULL DEFAULT '',
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_websub_subscriptions" PRIMARY KEY (source_id),
        CONSTRAINT "FK_websub_subscriptions_source" FOREIGN KEY (source_id) REFERENCES sources (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_websub_subscriptions_renew_at" ON websub_subscriptions (renew_at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS websub_subscriptions`);
  }
}
