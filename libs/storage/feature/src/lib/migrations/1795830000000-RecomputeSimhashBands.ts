import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The near-duplicate index moves from 4 bands of 16 bits (Hamming distance ≤ 3) to 13 bands —
 * twelve of 5 bits, then one of 4, most significant first — so that fingerprints within 12 bits
 * share a band. The bands of every analyzed article are recomputed from its newest analysis' stored
 * SimHash, so existing articles stay findable. Fingerprints stored before this release were made
 * over 3-word shingles with plain FNV-1a, the new ones over content words with mixed hashes: an old
 * and a new fingerprint of the same text are as far apart as unrelated texts, so such pairs are
 * missed (not wrongly merged) until the old articles are re-analysed; by then most have left the
 * 72-hour story window anyway.
 * The layout is written out here (not imported) so this migration keeps meaning what it did.
 */
export class RecomputeSimhashBands1795830000000 implements MigrationInterface {
  name = 'RecomputeSimhashBands1795830000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await recomputeBands(queryRunner, [
      [0, 59, 5],
      [1, 54, 5],
      [2, 49, 5],
      [3, 44, 5],
      [4, 39, 5],
      [5, 34, 5],
      [6, 29, 5],
      [7, 24, 5],
      [8, 19, 5],
      [9, 14, 5],
      [10, 9, 5],
      [11, 4, 5],
      [12, 0, 4],
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await recomputeBands(queryRunner, [
      [0, 48, 16],
      [1, 32, 16],
      [2, 16, 16],
      [3, 0, 16],
    ]);
  }
}

/** Replaces every article's bands: [band, shift, width] of each band of the newest analysis' 64-bit SimHash. */
async function recomputeBands(queryRunner: QueryRunner, layout: ReadonlyArray<readonly [number, number, number]>): Promise<void> {
  await queryRunner.query(`DELETE FROM article_simhash_bands`);
  await queryRunner.query(
    `WITH newest AS (
       SELECT DISTINCT ON (x.article_id) x.article_id, x.simhash
         FROM article_analyses x
        ORDER BY x.article_id, x.created_at DESC, x.model_version DESC),
     fingerprints AS (
       SELECT article_id, ('x' || lower(simhash))::bit(64)::bigint AS bits
         FROM newest
        WHERE simhash ~ '^[0-9a-fA-F]{16}$' AND simhash !~ '^0{16}$')
     INSERT INTO article_simhash_bands (article_id, band, value)
     SELECT f.article_id, l.band, ((f.bits >> l.shift) & ((1::bigint << l.width) - 1))::int
       FROM fingerprints f
       CROSS JOIN unnest($1::int[], $2::int[], $3::int[]) AS l(band, shift, width)`,
    [layout.map(([band]) => band), layout.map(([, shift]) => shift), layout.map(([, , width]) => width)],
  );
}
