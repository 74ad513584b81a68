import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Near-duplicates and story clusters: the four 16-bit bands of each article's SimHash (equal
 * band → candidate, then Hamming distance), the clusters, and which article is in which cluster
 * (at most one each).
 */
export class AddStoryClusters1795720000000 implements MigrationInterface {
  name = 'AddStoryClusters1795720000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE article_simhash_bands (
        article_id uuid NOT NULL,
        band smallint NOT NULL,
        value integer NOT NULL,
        CONSTRAINT "PK_article_simhash_bands" PRIMARY KEY (article_id, band),
        CONSTRAINT "FK_article_simhash_bands_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
    await queryRunner.query(`CREATE INDEX "IDX_article_simhash_bands_band_value" ON article_simhash_bands (band, value)`);

    await queryRunner.query(`
      CREATE TABLE story_clusters (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        title text NOT NULL DEFAULT '',
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        size integer NOT NULL DEFAULT 0
      )`);

    await queryRunner.query(`
      CREATE TABLE story_memberships (
        cluster_id uuid NOT NULL,
        article_id uuid NOT NULL,
        joined_at timestamptz NOT NULL,
        similarity double precision NOT NULL,
        CONSTRAINT "PK_story_memberships" PRIMARY KEY (cluster_id, article_id),
        CONSTRAINT "UQ_story_memberships_article" UNIQUE (article_id),
        CONSTRAINT "FK_story_memberships_cluster" FOREIGN KEY (cluster_id) REFERENCES story_clusters (id) ON DELETE CASCADE,
        CONSTRAINT "FK_story_memberships_article" FOREIGN KEY (article_id) REFERENCES articles (id) ON DELETE CASCADE
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS story_memberships`);
    await queryRunner.query(`DROP TABLE IF EXISTS story_clusters`);
    await queryRunner.query(`DROP TABLE IF EXISTS article_simhash_bands`);
  }
}
