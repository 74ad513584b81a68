import { ENGLISH_STOPWORDS } from '../keywords/english-stopwords';

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
 * FNV-1a 64 with MurmurHash3's 64-bit finalizer: FNV-1a alone mixes short strings of 16-bit code
 * units poorly (two-character Chinese words left 8 bits of every Chinese fingerprint equal),
 * and SimHash needs every bit of a feature's hash to be a fair coin.
 */
export function featureHash64(feature: string): bigint {
  let h = fnv1a64(feature);
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & MASK_64;
  h ^= h >> 33n;
  h = (h * 0xc4ceb9fe1a85ec53n) & MASK_64;
  h ^= h >> 33n;
  return h;
}

/**
 * Charikar's SimHash of weighted features: every feature's 64-bit hash votes its weight for the
 * bits it sets and against the others; a bit is set when the votes for it win. Returns 16
 * lower-case hex digits; no feature (or no positive weight) gives all zeros.
 */
export function weightedSimhash64(weights: ReadonlyMap<string, number>, hash: (feature: string) => bigint = featureHash64): string {
  const votes = new Float64Array(64);
  for (const [feature, weight] of weights) {
    if (!(weight > 0)) continue;
    let h = hash(feature);
    // Split into two 32-bit halves once, then test bits with plain numbers (BigInt per bit is slow).
    const lo = Number(h & 0xffffffffn);
    h >>= 32n;
    const hi = Number(h);
    for (let b = 0; b < 32; b++) {
      votes[b] += (lo >>> b) & 1 ? weight : -weight;
      votes[b + 32] += (hi >>> b) & 1 ? weight : -weight;
    }
  }
  let lo = 0;
  let hi = 0;
  for (let b = 0; b < 32; b++) {
    if ((votes[b] as number) > 0) lo |= 1 << b;
    if ((votes[b + 32] as number) > 0) hi |= 1 << b;
  }
  return (hi >>> 0).toString(16).padStart(8, '0') + (lo >>> 0).toString(16).padStart(8, '0');
}

/** Term frequency of word shingles (`size` consecutive words; one shingle of all words when there are fewer). */
export function shingleFrequencies(words: readonly string[], size: number): Map<string, number> {
  const counts = new Map<string, number>();
  if (words.length === 0) return counts;
  const n = Math.max(1, Math.min(Math.floor(size), words.length));
  for (let i = 0; i + n <= words.length; i++) {
    const shingle = words.slice(i, i + n).join(' ');
    counts.set(shingle, (counts.get(shingle) ?? 0) + 1);
  }
  return counts;
}

/**
 * SimHash over word shingles weighted by their frequency, features hashed with plain FNV-1a: the
 * fingerprint stored before articleSimhash64, kept bit for bit so the two can be compared.
 */
export function simhash64(words: readonly string[], shingleSize = 3): string {
  return weightedSimhash64(shingleFrequencies(words, shingleSize), fnv1a64);
}

const SINGLE_HAN = /^\p{Script=Han}$/u;

/**
 * The words that say what a text is about: English stop words and single Chinese characters
 * (jieba leaves particles and function words such as 的, 了, 在 as one character) dropped. Shared
 * function words pull every article of a language towards one fingerprint (measured: unrelated
 * English articles 15 bits apart on all words, 28 on content words).
 */
export function contentWords(words: readonly string[]): string[] {
  return words.filter((word) => !ENGLISH_STOPWORDS.has(word) && !SINGLE_HAN.test(word));
}

/**
 * The fingerprint of an article's words (lower-cased, as the tokenizers give them): SimHash over
 * single content words weighted by term frequency. One word per feature keeps an edit local (a
 * typo or a replaced word changes one feature, not three shingles); measured on generated variants
 * (tools/bench/simhash-quality.ts) it finds ~4× the near-duplicates 3-word shingles did at the same
 * precision. A text of stop words only is fingerprinted on all its words.
 */
export function articleSimhash64(words: readonly string[]): string {
  const content = contentWords(words);
  return weightedSimhash64(shingleFrequencies(content.length > 0 ? content : words, 1));
}

/** Number of differing bits between two 16-hex-digit fingerprints. */
export function hammingDistance64(a: string, b: string): number {
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let bits = 0;
  while (x > 0n) {
    x &= x - 1n;
    bits++;
  }
  return bits;
}
