import { DomainError } from '@autoglm/shared-errors';

/** A 64-bit SimHash is split into 4 bands of 16 bits: two fingerprints within Hamming distance 3 share at least one band (pigeonhole). */
export const SIMHASH_BANDS = 4;
const BAND_BITS = 16n;
const BAND_MASK = (1n << BAND_BITS) - 1n;

/** The largest Hamming distance between near-duplicates' SimHashes. */
export const NEAR_DUPLICATE_MAX_DISTANCE = 3;

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

/** The 16-bit bands of a fingerprint, band 0 the most significant. */
export function simhashBands(fingerprint: bigint): number[] {
  return Array.from({ length: SIMHASH_BANDS }, (_, band) =>
    Number((fingerprint >> (BigInt(SIMHASH_BANDS - 1 - band) * BAND_BITS)) & BAND_MASK),
  );
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
