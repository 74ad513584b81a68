// Embedding quality (issue 5): every installed sentence-embedding model on the labelled English
// pair set tools/bench/data/similarity-en.json (graded 0–4, "similar" = grade ≥ 3), side by side:
// ROC AUC of cosine for similar vs not, accuracy at the best cosine threshold (and that
// threshold), Spearman between cosine and grade, and texts/s embedding the set in batches of 32.
// The first row (wink-sg100d when installed) is the baseline the others' differences refer to.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/embedding-quality.js
import { ensureModelBuilt, installedModelNames, loadEmbeddingModel, type EmbeddingModel } from '@autoglm/analysis-feature';
import { bestThreshold, cosine, type PairSet, readPairSet, rocAuc, spearman } from './similarity-metrics';

const BASELINE = 'wink-sg100d';
const BATCH = 32;

/** Vectors of the texts (undefined for a text without known tokens), embedded in batches; and the time it took. */
async function embedAll(model: EmbeddingModel, texts: string[]): Promise<{ vectors: (Float32Array | undefined)[]; seconds: number }> {
  const vectors: (Float32Array | undefined)[] = new Array(texts.length);
  const started = process.hrtime.bigint();
  for (let i = 0; i < texts.length; i += BATCH) {
    const chunk = texts.slice(i, i + BATCH).map((text, k) => ({ index: i + k, tokens: model.tokenize(text) }));
    const known = chunk.filter((c) => c.tokens.knownTokens > 0);
    const out = await model.run(known.map((c) => c.tokens));
    known.forEach((c, k) => (vectors[c.index] = out[k]));
  }
  return { vectors, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

interface ModelScore {
  model: string;
  dimension: number;
  auc: number;
  accuracy: number;
  threshold: number;
  spearman: number;
  textsPerSecond: number;
  withoutVector: number;
}

async function score(modelDir: string, name: string, set: PairSet): Promise<ModelScore> {
  const model = await loadEmbeddingModel(modelDir, { name, sessionPoolSize: 1 });
  try {
    const texts = [...new Set(set.pairs.flatMap(([a, b]) => [a, b]))];
    await embedAll(model, texts.slice(0, BATCH)); // warm-up
    const { vectors, seconds } = await embedAll(model, texts);
    const byText = new Map(texts.map((t, i) => [t, vectors[i]]));
    const similarities = set.pairs.map(([a, b]) => {
      const va = byText.get(a);
      const vb = byText.get(b);
      return va && vb ? cosine(va, vb) : 0;
    });
    const positive = set.pairs.map(([, , grade]) => grade >= 3);
    const best = bestThreshold(similarities, positive);
    return {
      model: model.version,
      dimension: model.dimension,
      auc: rocAuc(similarities, positive),
      accuracy: best.accuracy,
      threshold: best.threshold,
      spearman: spearman(similarities, set.pairs.map(([, , grade]) => grade)),
      textsPerSecond: texts.length / seconds,
      withoutVector: vectors.filter((v) => v === undefined).length,
    };
  } finally {
    await model.release();
  }
}

async function main(): Promise<void> {
  const modelDir = ensureModelBuilt();
  const set = readPairSet('similarity-en.json');
  const names = installedModelNames(modelDir).sort((a, b) => (a === BASELINE ? -1 : b === BASELINE ? 1 : a.localeCompare(b)));
  const similar = set.pairs.filter(([, , g]) => g >= 3).length;
  console.log(`\nembedding-quality: ${set.name}@${set.version}, ${set.pairs.length} pairs (${similar} similar, ${set.pairs.length - similar} not); models: ${names.join(', ')}\n`);
  const scores: ModelScore[] = [];
  for (const name of names) {
    try {
      scores.push(await score(modelDir, name, set));
    } catch (error) {
      console.log(`${name}: not evaluated (${(error as Error).message})`);
    }
  }
  const base = scores[0];
  const delta = (x: number, b: number | undefined) => (b === undefined ? '' : `${x - b >= 0 ? '+' : ''}${(x - b).toFixed(3)}`);
  console.table(
    scores.map((s) => ({
      model: s.model,
      dim: s.dimension,
      'ROC AUC': +s.auc.toFixed(3),
      'Δ AUC': delta(s.auc, base?.auc),
      'best accuracy': +s.accuracy.toFixed(3),
      'at cosine ≥': +s.threshold.toFixed(3),
      Spearman: +s.spearman.toFixed(3),
      'Δ Spearman': delta(s.spearman, base?.spearman),
      'texts/s (batches of 32)': Math.round(s.textsPerSecond),
      'speed ratio': base ? +(s.textsPerSecond / base.textsPerSecond).toFixed(2) : '',
      'texts without vector': s.withoutVector,
    })),
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
