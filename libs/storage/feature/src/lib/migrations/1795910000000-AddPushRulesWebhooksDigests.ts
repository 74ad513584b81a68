import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Push to users: the event stream (push_events, ids resume a stream), rules and their hits
 * (one per rule and article, so a replayed batch acts once), webhook endpoints with their
 * deliveries and attempts, and digest settings (the last window sent, so the schedule survives restarts).
 */
export class AddPushRulesWebhooksDigests1795910000000 implements MigrationInterface {
  name = 'AddPushRulesWebhooksDigests1795910000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE push_rules (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        name text NOT NULL,
        keywords text[] NOT NULL DEFAULT '{}',
        topics text[] NOT NULL DEFAULT '{}',
        source_ids text[] NOT NULL DEFAULT '{}',
        actions text[] NOT NULL DEFAULT '{}',
        enabled boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "FK_push_rules_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_push_rules_user_id" ON push_rules (user_id)`);
    await queryRunner.query(`
      CREATE TABLE push_rule_hits (
        rule_id uuid NOT NULL,
        article_id uuid NOT NULL,
        user_id uuid NOT NULL,
        digest boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL,
        CONSTRAINT "PK_push_rule_hits" PRIMARY KEY (rule_id, article_id),
        CONSTRAINT "FK_push_rule_hits_rule" FOREIGN KEY (rule_id) REFERENCES push_rules (id) ON DELETE CASCADE,
        CONSTRAINT "FK_push_rule_hits_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE,
        CONSTRAINT "FK_push_rule_hits_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_push_rule_hits_user_created" ON push_rule_hits (user_id, created_at)`);
    await queryRunner.query(`CREATE INDEX "IDX_push_rule_hits_article_id" ON push_rule_hits (article_id)`);
    await queryRunner.query(`
      CREATE TABLE push_events (
        id bigserial PRIMARY KEY,
        user_id uuid NOT NULL,
        kind text NOT NULL,
        article_id uuid NOT NULL,
        rule_id uuid,
        score double precision NOT NULL DEFAULT 0,
        reason text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        CONSTRAINT "UQ_push_events_user_kind_article" UNIQUE (user_id, kind, article_id),
        CONSTRAINT "FK_push_events_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
        CONSTRAINT "FK_push_events_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_push_events_user_id_id" ON push_events (user_id, id)`);
    await queryRunner.query(`CREATE INDEX "IDX_push_events_article_id" ON push_events (article_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_endpoints (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id uuid NOT NULL,
        url text NOT NULL,
        secret text NOT NULL,
        description text NOT NULL DEFAULT '',
        enabled boolean NOT NULL DEFAULT true,
        consecutive_failures integer NOT NULL DEFAULT 0,
        disabled_reason text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        CONSTRAINT "FK_webhook_endpoints_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_endpoints_user_id" ON webhook_endpoints (user_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_deliveries (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        endpoint_id uuid NOT NULL,
        user_id uuid NOT NULL,
        event_key text NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        state text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "UQ_webhook_deliveries_endpoint_event" UNIQUE (endpoint_id, event_key),
        CONSTRAINT "FK_webhook_deliveries_endpoint" FOREIGN KEY (endpoint_id) REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
        CONSTRAINT "FK_webhook_deliveries_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_deliveries_next_attempt_at" ON webhook_deliveries (next_attempt_at)`);
    await queryRunner.query(`CREATE INDEX "IDX_webhook_deliveries_user_id" ON webhook_deliveries (user_id)`);
    await queryRunner.query(`
      CREATE TABLE webhook_attempts (
        id bigserial PRIMARY KEY,
        delivery_id uuid NOT NULL,
        attempt integer NOT NULL,
        status_code integer NOT NULL DEFAULT 0,
        error text NOT NULL DEFAULT '',
        duration_ms integer NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL,
        CONSTRAINT "UQ_webhook_attempts_delivery_attempt" UNIQUE (delivery_id, attempt),
        CONSTRAINT "FK_webhook_attempts_delivery" FOREIGN KEY (delivery_id) REFERENCES webhook_deliveries (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`
      CREATE TABLE digest_settings (
        user_id uuid NOT NULL,
        period text NOT NULL,
        email text NOT NULL DEFAULT '',
        last_window_start timestamptz,
        last_sent_at timestamptz,
        claimed_until timestamptz,
        updated_at timestamptz NOT NULL,
        CONSTRAINT "PK_digest_settings" PRIMARY KEY (user_id),
        CONSTRAINT "FK_digest_settings_user" FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['digest_settings', 'webhook_attempts', 'webhook_deliveries', 'webhook_endpoints', 'push_events', 'push_rule_hits', 'push_rules']) {
      await queryRunner.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
