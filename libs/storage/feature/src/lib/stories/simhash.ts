import { DomainError } from '@autoglm/shared-errors';

/**
 * The largest Hamming distance between near-duplicates' SimHashes, chosen on generated variants
 * (tools/bench/simhash-quality.ts, analysis' content-word fingerprint, seeds 20261125/1/42/777):
 * precision 100%, recall 94–96%. The closest non-duplicate (an article against its own first
 * paragraph) measured 13 bits, unrelated articles 19+ (mean 30–32); 13 would add ~1 point of F1
 * but sits on that closest non-duplicate and cuts bands of 4 bits.
 */
export const NEAR_DUPLICATE_MAX_DISTANCE = 12;

/**
 * Bands of the candidate index: two fingerprints within NEAR_DUPLICATE_MAX_DISTANCE bits share at
 * least one equal band when the 64 bits are cut into one band more than that (pigeonhole; Manku et al.).
 */
export const SIMHASH_BANDS = NEAR_DUPLICATE_MAX_DISTANCE + 1;

/** Bits per band, most significant band first: 64 shared out as evenly as possible (the wider bands first). */
export const SIMHASH_BAND_WIDTHS: readonly number[] = Array.from(
  { length: SIMHASH_BANDS },
  (_, band) => Math.floor(64 / SIMHASH_BANDS) + (band < 64 % SIMHASH_BANDS ? 1 : 0),
);

/**
 * The fingerprint of an analysis' `simhash` (16 hex digits); undefined when there is none: empty,
 * or all zeros (a text without words hashes to zero, and such texts are not duplicates of each other).
 */
export function parseSimhash(hex: string): bigint | undefined {
  const text = hex.trim();
  if (text === '') return undefined;
  if (!/^[0-9a-fA-F]{16}$/.test(text)) throw DomainError.invalidArgument('simhash must be 16 hexadecimal digits (64 bits)');
  const value = BigInt(`0x${text}`);
  return value === 0n ? undefined : value;
}

/** The bands of a fingerprint (SIMHASH_BAND_WIDTHS), band 0 the most significant bits. */
export function simhashBands(fingerprint: bigint): number[] {
  let shift = 64;
  return SIMHASH_BAND_WIDTHS.map((width) => {
    shift -= width;
    return Number((fingerprint >> BigInt(shift)) & ((1n << BigInt(width)) - 1n));
  });
}

/** How many bits differ. */
export function hammingDistance(a: bigint, b: bigint): number {
  let x = a ^ b;
  let count = 0;
  while (x > 0n) {
    x &= x - 1n;
    count++;
  }
  return count;
}

/** The similarity given to a SimHash near-duplicate: the share of equal bits. */
export function simhashSimilarity(distance: number): number {
  return 1 - distance / 64;
}
