// SimHash near-duplicate quality (issue 5): labelled pairs generated (seeded, deterministic) from
// the articles of libs/analysis/feature/src/lib/summary/data/news-summaries.jsonl — near-duplicates
// (typos, a sentence added/removed, a footer, whitespace/punctuation, a new title, syndicated copy,
// 5/10/15% of words replaced) and pairs that are not (other articles, other stories of the same
// topic, the article vs its first paragraph). Words as the analysis service takes them (wink-sg100d's
// tokenizer for English, jieba for Chinese, over title + text).
// Side by side: the baseline (3-word shingles, distance ≤ 3, 4 bands of 16 bits) and ours (what the
// service and storage run now: articleSimhash64's content words, storage's NEAR_DUPLICATE_MAX_DISTANCE
// and its bands), as an ideal distance test and as the band index finds pairs (a pair must also share
// a band). Then the sweep that chose them: features × distance k, the closest non-duplicate, and how
// far apart unrelated articles of one language fall (what decides false merges at feed volume: the
// labelled set holds only ~110 non-duplicates). Last, the share detected per variant kind.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/simhash-quality.js [seed]
import {
  articleEmbeddingText,
  articleSimhash64,
  contentWords,
  createTokenizer,
  ensureModelBuilt,
  fnv1a64,
  hammingDistance64,
  readModelManifest,
  shingleFrequencies,
  simhash64,
  weightedSimhash64,
  WORD_MODEL_NAME,
} from '@autoglm/analysis-feature';
import { detectionQuality, scorePairs, type ScoredPair } from '../../libs/analysis/feature/src/lib/simhash/near-duplicate-evaluation';
import { labelledPairs, type FingerprintedArticle, type LabelledPair } from '../../libs/analysis/feature/src/lib/simhash/near-duplicate-variants';
import { readReferenceSummaries } from '../../libs/analysis/feature/src/lib/summary/summary-dataset';
import { ChineseSegmenter } from '../../libs/analysis/feature/src/lib/text/chinese-segmenter';
import { NEAR_DUPLICATE_MAX_DISTANCE, SIMHASH_BAND_WIDTHS, simhashBands } from '../../libs/storage/feature/src/lib/stories/simhash';

const SWEEP = [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 16];
const BASELINE = { maxDistance: 3, bandWidths: [16, 16, 16, 16] };
/** Precision the chosen distance must keep on the labelled pairs. */
const MIN_PRECISION = 0.98;
const pct = (x: number) => +(100 * x).toFixed(1);

type Words = (words: readonly string[]) => string;
/** What the service stored before: 3-word shingles hashed with plain FNV-1a. */
const baselineFingerprint: Words = (w) => simhash64(w, 3);
/** Candidate fingerprints of an article's words (features hashed with FNV-1a + a finalizer unless said); the first is the baseline. */
const FEATURES: Array<{ name: string; of: Words }> = [
  { name: '3-word shingles (baseline)', of: baselineFingerprint },
  { name: '2-word shingles', of: (w) => weightedSimhash64(shingleFrequencies(w, 2)) },
  { name: 'words, TF', of: (w) => weightedSimhash64(shingleFrequencies(w, 1)) },
  { name: 'content words, TF (ours)', of: articleSimhash64 },
  { name: 'content words, TF, plain FNV-1a', of: (w) => weightedSimhash64(shingleFrequencies(contentWords(w), 1), fnv1a64) },
  { name: 'content words, log TF', of: (w) => weightedSimhash64(new Map([...shingleFrequencies(contentWords(w), 1)].map(([f, n]) => [f, 1 + Math.log(n)]))) },
  { name: 'content words, binary', of: (w) => weightedSimhash64(new Map([...shingleFrequencies(contentWords(w), 1)].map(([f]) => [f, 1]))) },
  {
    name: 'content words + ¼ bigrams',
    of: (w) => {
      const c = contentWords(w);
      return weightedSimhash64(new Map([...shingleFrequencies(c, 1), ...[...shingleFrequencies(c, 2)].map(([f, n]): [string, number] => [f, n / 4])]));
    },
  },
];

function bandsOf(hex: string, widths: readonly number[]): number[] {
  const value = BigInt(`0x${hex}`);
  let shift = 64;
  return widths.map((width) => {
    shift -= width;
    return Number((value >> BigInt(shift)) & ((1n << BigInt(width)) - 1n));
  });
}

function main(): void {
  const seed = Number(process.argv[2] ?? 20261125);
  const modelDir = ensureModelBuilt();
  const english = createTokenizer(modelDir, readModelManifest(modelDir, WORD_MODEL_NAME));
  const segmenter = new ChineseSegmenter();
  const wordsOf = ({ title, text }: { title: string; text: string }, lang: 'en' | 'zh') => {
    const full = articleEmbeddingText(title, text);
    return lang === 'zh' ? segmenter.words(full) : english.words(full);
  };
  const articles = readReferenceSummaries();
  const pairs = labelledPairs(articles, seed);
  const positives = pairs.filter((p) => p.nearDuplicate).length;
  const score = (of: Words) => scorePairs(pairs, (article, lang) => of(wordsOf(article, lang)));
  console.log(
    `simhash-quality: ${articles.length} base articles, seed ${seed}: ${pairs.length} pairs (${positives} near-duplicates, ${pairs.length - positives} not)`,
  );

  // Baseline and ours, each at its own distance and band layout.
  const sides = [
    { name: 'baseline: 3-word shingles', of: baselineFingerprint, k: BASELINE.maxDistance, bands: (hex: string) => bandsOf(hex, BASELINE.bandWidths), widths: BASELINE.bandWidths },
    { name: 'ours: content words', of: articleSimhash64, k: NEAR_DUPLICATE_MAX_DISTANCE, bands: (hex: string) => simhashBands(BigInt(`0x${hex}`)), widths: SIMHASH_BAND_WIDTHS },
  ].map((side) => {
    const fingerprint = (pair: LabelledPair, which: 'a' | 'b') => side.of(wordsOf(pair[which], pair.lang));
    const scored = score(side.of);
    const banded: ScoredPair[] = scored.map((s) => {
      const x = side.bands(fingerprint(s.pair, 'a'));
      const y = side.bands(fingerprint(s.pair, 'b'));
      return x.some((band, i) => band === y[i]) ? s : { ...s, distance: 65 };
    });
    return { ...side, ideal: detectionQuality(scored, side.k), index: detectionQuality(banded, side.k) };
  });
  console.log('\nbaseline and ours at their configured distance (precision/recall/F1 in %; banded = as storage finds pairs)');
  console.table(
    sides.map((s) => ({
      fingerprint: s.name,
      k: s.k,
      'bands (bits)': `${s.widths.length} (${[...new Set(s.widths)].join('/')})`,
      precision: pct(s.ideal.precision),
      recall: pct(s.ideal.recall),
      F1: pct(s.ideal.f1),
      'recall (banded)': pct(s.index.recall),
      'F1 (banded)': pct(s.index.f1),
    })),
  );
  const [baseline, ours] = sides as [(typeof sides)[0], (typeof sides)[0]];
  console.log(
    `ours / baseline: recall ×${(ours.index.recall / baseline.index.recall).toFixed(2)}, F1 ×${(ours.index.f1 / baseline.index.f1).toFixed(2)}, ` +
      `precision ${pct(baseline.index.precision)}% → ${pct(ours.index.precision)}%`,
  );

  // The sweep: features × k, with the separation from non-duplicates and from unrelated articles.
  const byLanguage = (lang: 'en' | 'zh') => articles.filter((a: FingerprintedArticle) => a.lang === lang);
  console.log(
    `\nsweep: F1 % (precision % when below 100) at distance ≤ k; best k = best F1 with precision ≥ ${100 * MIN_PRECISION}%; ` +
      'unrelated = every pair of different base articles of one language (mean / closest, bits)',
  );
  console.table(
    FEATURES.map(({ name, of }) => {
      const scored = score(of);
      const row: Record<string, string | number> = { features: name };
      for (const k of SWEEP) {
        const q = detectionQuality(scored, k);
        row[`k=${k}`] = q.precision < 1 ? `${pct(q.f1)} (${pct(q.precision)})` : pct(q.f1);
      }
      const best = SWEEP.map((k) => detectionQuality(scored, k))
        .filter((q) => q.precision >= MIN_PRECISION)
        .reduce((a, b) => (b.f1 > a.f1 ? b : a));
      row['best k'] = best.maxDistance;
      row['closest non-dup'] = Math.min(...scored.filter((s) => !s.pair.nearDuplicate).map((s) => s.distance));
      for (const lang of ['en', 'zh'] as const) {
        const prints = byLanguage(lang).map((a) => of(wordsOf(a, lang)));
        const distances = prints.flatMap((x, i) => prints.slice(i + 1).map((y) => hammingDistance64(x, y)));
        row[`unrelated ${lang}`] = `${(distances.reduce((a, b) => a + b, 0) / distances.length).toFixed(1)} / ${Math.min(...distances)}`;
      }
      return row;
    }),
  );

  console.log(`\nours per kind: median distance and share counted as near-duplicate at k = ${NEAR_DUPLICATE_MAX_DISTANCE} (en / zh)`);
  const scored = score(articleSimhash64);
  const kinds = [...new Set(pairs.map((p) => p.kind))];
  console.table(
    kinds.map((kind) => {
      const cell = (lang: 'en' | 'zh') => {
        const ds = scored
          .filter((s) => s.pair.kind === kind && s.pair.lang === lang)
          .map((s) => s.distance)
          .sort((a, b) => a - b);
        if (ds.length === 0) return '—';
        const hit = ds.filter((d) => d <= NEAR_DUPLICATE_MAX_DISTANCE).length;
        return `d≈${ds[Math.floor(ds.length / 2)]}, ${pct(hit / ds.length)}% of ${ds.length}`;
      };
      return { kind, 'near-duplicate': pairs.find((p) => p.kind === kind)?.nearDuplicate ? 'yes' : 'no', en: cell('en'), zh: cell('zh') };
    }),
  );
}

main();
