import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * sources.claimed_at: when the scheduler claimed a source for a crawl whose result is not recorded
 * yet. The queue sweeper finds such claims and recreates their crawl job when Redis lost it,
 * instead of waiting for the claim's lease to run out.
 */
export class AddSourceClaimedAt1795930000000 implements MigrationInterface {
  name = 'AddSourceClaimedAt1795930000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources ADD COLUMN claimed_at timestamptz`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sources DROP COLUMN IF EXISTS claimed_at`);
  }
}
