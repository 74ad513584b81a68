import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which earlier article an article near-duplicates (SimHash distance and/or embedding cosine),
 * recorded with its story membership but apart from the story: a story also holds follow-ups.
 */
export class AddNearDuplicateOf1795950000001 implements MigrationInterface {
  name = 'AddNearDuplicateOf1795950000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE story_memberships
        ADD COLUMN near_duplicate_of uuid,
        ADD COLUMN near_duplicate_distance smallint,
        ADD COLUMN near_duplicate_cosine double precision,
        ADD CONSTRAINT "FK_story_memberships_near_duplicate_of" FOREIGN KEY (near_duplicate_of) REFERENCES articles (id) ON DELETE SET NULL`);
    await queryRunner.query(`CREATE INDEX "IDX_story_memberships_near_duplicate_of" ON story_memberships (near_duplicate_of)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS "IDX_story_memberships_near_duplicate_of"`);
    await queryRunner.query(`
      ALTER TABLE story_memberships
        DROP CONSTRAINT IF EXISTS "FK_story_memberships_near_duplicate_of",
        DROP COLUMN IF EXISTS near_duplicate_cosine,
        DROP COLUMN IF EXISTS near_duplicate_distance,
        DROP COLUMN IF EXISTS near_duplicate_of`);
  }
}
