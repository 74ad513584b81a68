// SimHash near-duplicate quality (issue 5): labelled pairs generated (seeded, deterministic) from
// the articles of libs/analysis/feature/src/lib/summary/data/news-summaries.jsonl — near-duplicates
// (typos, a sentence added/removed, a footer, whitespace/punctuation, a new title, syndicated copy,
// 5/10/15% of words replaced) and pairs that are not (other articles, other stories of the same
// topic, the article vs its first paragraph). Fingerprints are computed as the analysis service
// computes them (simhash64 over the words of title + text: wink-sg100d's tokenizer for English,
// jieba for Chinese). Prints precision/recall/F1 of "near-duplicate" at storage's configured
// Hamming distance and a sweep of it — the ideal distance test, and what storage's 4×16-bit band
// index can find (a pair must also share a band) — and the share detected per variant kind.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/simhash-quality.js [seed]
import { articleEmbeddingText, createTokenizer, ensureModelBuilt, readModelManifest, simhash64, WORD_MODEL_NAME } from '@autoglm/analysis-feature';
import { detectionQuality, scorePairs, type ArticleFingerprint, type ScoredPair } from '../../libs/analysis/feature/src/lib/simhash/near-duplicate-evaluation';
import { labelledPairs } from '../../libs/analysis/feature/src/lib/simhash/near-duplicate-variants';
import { readReferenceSummaries } from '../../libs/analysis/feature/src/lib/summary/summary-dataset';
import { ChineseSegmenter } from '../../libs/analysis/feature/src/lib/text/chinese-segmenter';
import { NEAR_DUPLICATE_MAX_DISTANCE, simhashBands } from '../../libs/storage/feature/src/lib/stories/simhash';

const SWEEP = [0, 1, 2, 3, 4, 5, 6, 8, 10, 12, 16];
/** simhash64's default shingle (words per feature), which the analysis service uses. */
const PRODUCTION_SHINGLE = 3;
const pct = (x: number) => +(100 * x).toFixed(1);

function sharesBand(a: string, b: string): boolean {
  const x = simhashBands(BigInt(`0x${a}`));
  const y = simhashBands(BigInt(`0x${b}`));
  return x.some((band, i) => band === y[i]);
}

function main(): void {
  const seed = Number(process.argv[2] ?? 20261125);
  const modelDir = ensureModelBuilt();
  const english = createTokenizer(modelDir, readModelManifest(modelDir, WORD_MODEL_NAME));
  const segmenter = new ChineseSegmenter();
  const fingerprintWith =
    (shingleSize: number): ArticleFingerprint =>
    ({ title, text }, lang) => {
      const full = articleEmbeddingText(title, text);
      return simhash64(lang === 'zh' ? segmenter.words(full) : english.words(full), shingleSize);
    };
  const fingerprint = fingerprintWith(PRODUCTION_SHINGLE);
  const articles = readReferenceSummaries();
  const pairs = labelledPairs(articles, seed);
  const scored = scorePairs(pairs, fingerprint);
  // What storage finds: within the distance AND sharing one of the 4 bands it indexes.
  const banded: ScoredPair[] = scored.map((s) => (sharesBand(fingerprint(s.pair.a, s.pair.lang), fingerprint(s.pair.b, s.pair.lang)) ? s : { ...s, distance: 65 }));
  const positives = pairs.filter((p) => p.nearDuplicate).length;
  console.log(
    `simhash-quality: ${articles.length} base articles, seed ${seed}: ${pairs.length} pairs (${positives} near-duplicates, ${pairs.length - positives} not); ` +
      `storage's configured distance k = ${NEAR_DUPLICATE_MAX_DISTANCE}`,
  );
  for (const lang of ['all', 'en', 'zh'] as const) {
    const subset = (list: ScoredPair[]) => (lang === 'all' ? list : list.filter((s) => s.pair.lang === lang));
    console.log(`\n${lang}: Hamming distance ≤ k counted as near-duplicate (precision/recall/F1 in %; banded = also sharing a 16-bit band, as storage looks up)`);
    console.table(
      SWEEP.map((k) => {
        const ideal = detectionQuality(subset(scored), k);
        const index = detectionQuality(subset(banded), k);
        return {
          k: k === NEAR_DUPLICATE_MAX_DISTANCE ? `${k} (configured)` : String(k),
          precision: pct(ideal.precision),
          recall: pct(ideal.recall),
          F1: pct(ideal.f1),
          'false positives': ideal.falsePositives,
          'recall (banded)': pct(index.recall),
          'F1 (banded)': pct(index.f1),
        };
      }),
    );
  }
  console.log(`\nper kind: median distance and share counted as near-duplicate at k = ${NEAR_DUPLICATE_MAX_DISTANCE} (en / zh)`);
  const kinds = [...new Set(pairs.map((p) => p.kind))];
  console.table(
    kinds.map((kind) => {
      const cell = (lang: 'en' | 'zh') => {
        const ds = scored.filter((s) => s.pair.kind === kind && s.pair.lang === lang).map((s) => s.distance).sort((a, b) => a - b);
        if (ds.length === 0) return '—';
        const hit = ds.filter((d) => d <= NEAR_DUPLICATE_MAX_DISTANCE).length;
        return `d≈${ds[Math.floor(ds.length / 2)]}, ${pct(hit / ds.length)}% of ${ds.length}`;
      };
      return { kind, 'near-duplicate': pairs.find((p) => p.kind === kind)?.nearDuplicate ? 'yes' : 'no', en: cell('en'), zh: cell('zh') };
    }),
  );
  // Side by side: the production 3-word shingles against shorter shingles (fewer features change per edit).
  console.log(`\nshingle size (words per SimHash feature), all pairs; ${PRODUCTION_SHINGLE} is what the service uses`);
  console.table(
    [PRODUCTION_SHINGLE, 2, 1].map((size) => {
      const run = scorePairs(pairs, fingerprintWith(size));
      const at = detectionQuality(run, NEAR_DUPLICATE_MAX_DISTANCE);
      const closestDistinct = Math.min(...run.filter((s) => !s.pair.nearDuplicate).map((s) => s.distance));
      const best = SWEEP.map((k) => detectionQuality(run, k)).reduce((a, b) => (b.f1 > a.f1 ? b : a));
      return {
        shingle: size,
        [`precision @k=${NEAR_DUPLICATE_MAX_DISTANCE}`]: pct(at.precision),
        [`recall @k=${NEAR_DUPLICATE_MAX_DISTANCE}`]: pct(at.recall),
        [`F1 @k=${NEAR_DUPLICATE_MAX_DISTANCE}`]: pct(at.f1),
        'closest non-duplicate (bits)': closestDistinct,
        'best k (sweep)': best.maxDistance,
        'F1 @best k': pct(best.f1),
        'precision @best k': pct(best.precision),
      };
    }),
  );
}

main();
