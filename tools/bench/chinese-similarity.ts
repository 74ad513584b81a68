// Chinese similarity (issue 5): on the labelled pair set tools/bench/data/similarity-zh.json (graded
// 0–4, "similar" = grade ≥ 3), side by side: ROC AUC of each score for similar vs not, accuracy at
// the best threshold, and Spearman between score and grade, for
//   (a) character-bigram Jaccard (the baseline),
//   (b) TF-IDF cosine over jieba words with jieba's IDF table (what Chinese summaries use),
//   (c) the same with the text's character bigrams added as extra terms,
//   (d) what storage's "similar articles" does for an article without an embedding: the first
//       text's analysis keywords (jieba TF-IDF) as an OR tsquery, ts_rank_cd (normalization 1)
//       against the second text's search_vector, both built by storage's own segmenter and SQL,
//       run for real on PGlite (a pair that does not match scores 0, as it would not be listed),
//   (e) use-lite-en, the default embedding model, for reference: it knows no Chinese, so most texts
//       get no vector (scored 0, as storage would then fall back to (d)).
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/chinese-similarity.js
import { PGlite } from '@electric-sql/pglite';
import { ensureModelBuilt, installedModelNames, loadEmbeddingModel } from '@autoglm/analysis-feature';
import { chineseKeywords } from '../../libs/analysis/feature/src/lib/keywords/keyword-extractor';
import { ChineseSegmenter } from '../../libs/analysis/feature/src/lib/text/chinese-segmenter';
import { characterBigrams, jaccard, sparseCosine, tfIdfTerms } from '../../libs/analysis/feature/src/lib/text/chinese-similarity';
import { quoteLexeme } from '../../libs/storage/feature/src/lib/search/search-query';
import { SearchSegmenter } from '../../libs/storage/feature/src/lib/search/search-segmenter';
import { SEARCH_VECTOR_SQL } from '../../libs/storage/feature/src/lib/search/search-sql';
import { bestThreshold, cosine, readPairSet, rocAuc, spearman } from './similarity-metrics';

const REFERENCE_MODEL = 'use-lite-en';
/** As storage's similarByKeywords: at most this many lexemes in the OR query. */
const MAX_KEYWORD_LEXEMES = 32;

type Pair = [string, string, number];

interface MethodScores {
  method: string;
  scores: number[];
  /** Pairs scored 0 because a side had nothing to compare (no vector / no keyword / no match). */
  unscored: number;
  note: string;
}

function lexicalMethods(pairs: readonly Pair[], segmenter: ChineseSegmenter): MethodScores[] {
  const words = (text: string) => segmenter.words(text);
  const idf = (term: string) => segmenter.idfOf(term);
  const bigramJaccard = pairs.map(([a, b]) => jaccard(characterBigrams(a), characterBigrams(b)));
  const wordTfIdf = pairs.map(([a, b]) => sparseCosine(tfIdfTerms(words(a), [], idf), tfIdfTerms(words(b), [], idf)));
  const withBigrams = pairs.map(([a, b]) =>
    sparseCosine(tfIdfTerms(words(a), characterBigrams(a), idf), tfIdfTerms(words(b), characterBigrams(b), idf)),
  );
  return [
    { method: '(a) character-bigram Jaccard', scores: bigramJaccard, unscored: bigramJaccard.filter((s) => s === 0).length, note: 'baseline' },
    { method: '(b) TF-IDF cosine, jieba words', scores: wordTfIdf, unscored: wordTfIdf.filter((s) => s === 0).length, note: 'summaries' },
    { method: '(c) TF-IDF cosine, words + char bigrams', scores: withBigrams, unscored: withBigrams.filter((s) => s === 0).length, note: '' },
  ];
}

/** Storage's lexical "similar articles" score of each pair, on PGlite with storage's own segmentation and SQL. */
async function storageTextRank(pairs: readonly Pair[], segmenter: ChineseSegmenter): Promise<MethodScores> {
  const search = new SearchSegmenter();
  const db = new PGlite();
  try {
    const scores: number[] = [];
    let withoutKeywords = 0;
    for (const [a, b] of pairs) {
      // The analysis keywords of a text (title + body, here the one sentence), then storage's query cut.
      const lexemes = new Set<string>();
      for (const keyword of chineseKeywords(a, segmenter)) {
        for (const token of search.tokens(keyword, 'query')) {
          const text = token.text.toLowerCase().trim();
          if (text) lexemes.add(text);
        }
      }
      if (lexemes.size === 0) {
        withoutKeywords++;
        scores.push(0);
        continue;
      }
      const tsquery = [...lexemes].slice(0, MAX_KEYWORD_LEXEMES).map(quoteLexeme).join(' | ');
      // The other text is stored as a headline: title weight A, empty body.
      const rows = await db.query<{ score: number | null }>(
        `SELECT CASE WHEN v @@ q THEN ts_rank_cd(v, q, 1)::float8 END AS score
           FROM (SELECT ${SEARCH_VECTOR_SQL('$1::text', '$2::text')} AS v, to_tsquery('simple', $3) AS q) x`,
        [search.document(b), '', tsquery],
      );
      scores.push(rows.rows[0]?.score ?? 0);
    }
    return {
      method: '(d) storage today: keywords → ts_rank_cd',
      scores,
      unscored: scores.filter((s) => s === 0).length,
      note: `PGlite; ${withoutKeywords} without keywords`,
    };
  } finally {
    await db.close();
  }
}

/** Cosine of the reference English model's vectors; a text without known tokens gets no vector (as in analysis). */
async function referenceModel(pairs: readonly Pair[]): Promise<MethodScores | string> {
  const modelDir = ensureModelBuilt();
  if (!installedModelNames(modelDir).includes(REFERENCE_MODEL)) return `${REFERENCE_MODEL} is not installed`;
  const model = await loadEmbeddingModel(modelDir, { name: REFERENCE_MODEL, sessionPoolSize: 1 });
  try {
    const texts = [...new Set(pairs.flatMap(([a, b]) => [a, b]))];
    const tokens = texts.map((t) => model.tokenize(t));
    const known = tokens.filter((t) => t.knownTokens > 0);
    const vectors = known.length > 0 ? await model.run(known) : [];
    let next = 0;
    const byText = new Map(texts.map((t, i) => [t, (tokens[i] as { knownTokens: number }).knownTokens > 0 ? vectors[next++] : undefined]));
    const scores = pairs.map(([a, b]) => {
      const va = byText.get(a);
      const vb = byText.get(b);
      return va && vb ? cosine(va, vb) : 0;
    });
    const missing = texts.length - known.length;
    return {
      method: `(e) ${model.version} cosine`,
      scores,
      unscored: pairs.filter(([a, b]) => !byText.get(a) || !byText.get(b)).length,
      note: `${missing}/${texts.length} texts without vector`,
    };
  } finally {
    await model.release();
  }
}

const BOOTSTRAP_SAMPLES = 2000;

/** The 2.5th and 97.5th percentiles of AUC(a) − AUC(b) over resamples (with replacement) of the same pairs. */
function bootstrapAucDifference(a: readonly number[], b: readonly number[], positive: readonly boolean[]): [number, number] {
  let seed = 20_261_125;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const differences: number[] = [];
  while (differences.length < BOOTSTRAP_SAMPLES) {
    const picks = positive.map(() => Math.floor(random() * positive.length));
    const labels = picks.map((i) => positive[i] as boolean);
    if (labels.every((l) => l === labels[0])) continue; // AUC needs both classes
    differences.push(rocAuc(picks.map((i) => a[i] as number), labels) - rocAuc(picks.map((i) => b[i] as number), labels));
  }
  differences.sort((x, y) => x - y);
  const at = (q: number) => differences[Math.min(differences.length - 1, Math.floor(q * differences.length))] as number;
  return [at(0.025), at(0.975)];
}

async function main(): Promise<void> {
  const set = readPairSet('similarity-zh.json');
  const positive = set.pairs.map(([, , grade]) => grade >= 3);
  const grades = set.pairs.map(([, , grade]) => grade);
  const similar = positive.filter(Boolean).length;
  console.log(`\nchinese-similarity: ${set.name}@${set.version}, ${set.pairs.length} pairs (${similar} similar, ${set.pairs.length - similar} not)\n`);

  const segmenter = new ChineseSegmenter();
  const methods = lexicalMethods(set.pairs, segmenter);
  methods.push(await storageTextRank(set.pairs, segmenter));
  const reference = await referenceModel(set.pairs).catch((error: Error) => error.message);
  if (typeof reference === 'string') console.log(`${REFERENCE_MODEL}: not evaluated (${reference})`);
  else methods.push(reference);

  const evaluated = methods.map((m) => {
    const best = bestThreshold(m.scores, positive);
    const constant = m.scores.every((s) => s === m.scores[0]);
    return { ...m, auc: rocAuc(m.scores, positive), accuracy: best.accuracy, threshold: best.threshold, rho: constant ? NaN : spearman(m.scores, grades) };
  });
  const base = evaluated[0];
  const delta = (x: number, b: number | undefined) => (b === undefined || Number.isNaN(x) ? '' : `${x - b >= 0 ? '+' : ''}${(x - b).toFixed(3)}`);
  console.table(
    evaluated.map((m) => ({
      method: m.method,
      'ROC AUC': +m.auc.toFixed(3),
      'Δ AUC vs (a)': delta(m.auc, base?.auc),
      'best accuracy': +m.accuracy.toFixed(3),
      'at score ≥': Number.isFinite(m.threshold) ? +m.threshold.toFixed(3) : 'none',
      Spearman: Number.isNaN(m.rho) ? 'n/a' : +m.rho.toFixed(3),
      'Δ Spearman vs (a)': delta(m.rho, base?.rho),
      'pairs scored 0': m.unscored,
      note: m.note,
    })),
  );
  // Is any method better than what storage does today, beyond the noise of 131 pairs? A paired
  // bootstrap over pairs (seeded, so runs repeat) of the AUC difference against (d).
  const today = evaluated.find((m) => m.method.startsWith('(d)'));
  if (today) {
    console.log(`\nΔ ROC AUC against (d), with a 95% paired bootstrap interval (${BOOTSTRAP_SAMPLES} resamples of the pairs):`);
    console.table(
      evaluated
        .filter((m) => m !== today)
        .map((m) => {
          const [low, high] = bootstrapAucDifference(m.scores, today.scores, positive);
          return { method: m.method, 'Δ AUC': +(m.auc - today.auc).toFixed(3), '95% from': +low.toFixed(3), '95% to': +high.toFixed(3), 'clearly better': low > 0 ? 'yes' : 'no' };
        }),
    );
  }

  // Where the errors are: how often a similar pair outscores a not-similar pair of each grade
  // (grade 0 holds the homonym traps, grade 1 the opposite outcomes and swapped roles).
  console.log('\nROC AUC of the similar pairs (grade ≥ 3) against the not-similar pairs of one grade:');
  console.table(
    evaluated.map((m) => {
      const row: Record<string, string | number> = { method: m.method };
      for (const grade of [0, 1, 2]) {
        const keep = set.pairs.map(([, , g]) => g >= 3 || g === grade);
        const count = keep.filter((k, i) => k && !positive[i]).length;
        const scores = m.scores.filter((_, i) => keep[i]);
        row[`vs grade ${grade} (${count})`] = +rocAuc(scores, positive.filter((_, i) => keep[i])).toFixed(3);
      }
      return row;
    }),
  );
  const majority = Math.max(similar, set.pairs.length - similar) / set.pairs.length;
  console.log(`accuracy of always answering the majority class: ${majority.toFixed(3)}`);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
