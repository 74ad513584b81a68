const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK_64 = 0xffffffffffffffffn;

/** 64-bit FNV-1a of a string's UTF-16 code units. */
export function fnv1a64(text: string): bigint {
  let hash = FNV_OFFSET;
  for (let i = 0; i < text.length; i++) {
    hash ^= BigInt(text.charCodeAt(i));
    hash = (hash * FNV_PRIME) & MASK_64;
  }
  return hash;
}

/**
 * Charikar's SimHash over word shingles (`shingleSize` consecutive words; one shingle of all
 * words when the text is shorter): near-identical texts get fingerprints a few bits apart.
 * Returns 16 lower-case hex digits; a text without words gives all zeros.
 */
export function simhash64(words: readonly string[], shingleSize = 3): string {
  if (words.length === 0) return '0'.repeat(16);
  const size = Math.min(shingleSize, words.length);
  const counts = new Int32Array(64);
  for (let i = 0; i + size <= words.length; i++) {
    let h = fnv1a64(words.slice(i, i + size).join(' '));
    // Split into two 32-bit halves once, then test bits with plain numbers (BigInt per bit is slow).
    const lo = Number(h & 0xffffffffn);
    h >>= 32n;
    const hi = Number(h);
    for (let b = 0; b < 32; b++) {
      counts[b] += (lo >>> b) & 1 ? 1 : -1;
      counts[b + 32] += (hi >>> b) & 1 ? 1 : -1;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if ((counts[b] as number) > 0) lo |= 1 << b;
    if ((counts[b + 32] as number) > 0) hi |= 1 << b;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Number of differing bits between two 16-hex-digit fingerprints. */
export function hammingDistance64(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x > 0n) {
    bits += Number(x & 1n);
    x >>= 1n;
  }
  return bits;
}
