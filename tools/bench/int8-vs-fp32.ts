// INT8 vs FP32 (issue 5): use-lite-en (float32) against use-lite-en-int8 (int8 weights, activations
// quantized per token at run time), plus two graphs built here into temporary directories by the
// same script — activations quantized per tensor (DynamicQuantizeLinear, which ONNX Runtime fuses)
// and weight-only int8 (weights dequantized in the graph) — side by side on the sentences of
// tools/bench/data/similarity-en.json:
//   - texts/s embedding them in batches of 32, as many batches at a time as the model has sessions
//     (the fastest of 3 runs);
//   - cosine agreement of each variant's vectors with float32's (mean / min over the sentences), and
//     of a sentence embedded alone with the same sentence in its batch (per-tensor quantization shares
//     one activation scale per batch, so a vector depends a little on its batch mates; per token not);
//   - ROC AUC (similar = grade ≥ 3) and Spearman of cosine vs grade over the labelled pairs.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/int8-vs-fp32.js
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ensureModelBuilt, loadEmbeddingModel, repositoryModelsDir, type EmbeddingModel } from '@autoglm/analysis-feature';
import { cosine, readPairSet, rocAuc, spearman } from './similarity-metrics';

const FP32 = 'use-lite-en';
const INT8 = 'use-lite-en-int8';
const BATCH = 32;
const PASSES = 5;
const ROUNDS = 3;

/**
 * A models directory holding use-lite-en-int8 built with another quantization scheme (the same
 * script, its manifest's scheme changed); removed at exit.
 */
function buildVariant(modelDir: string, scheme: string): string {
  const dir = mkdtempSync(join(tmpdir(), `autoglm-int8-${scheme}-`));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  cpSync(join(modelDir, FP32), join(dir, FP32), { recursive: true });
  const manifest = JSON.parse(readFileSync(join(modelDir, INT8, 'manifest.json'), 'utf8')) as { quantization: { scheme: string } };
  manifest.quantization.scheme = scheme;
  mkdirSync(join(dir, INT8));
  writeFileSync(join(dir, INT8, 'manifest.json'), JSON.stringify(manifest));
  const script = join(dirname(repositoryModelsDir().buildScript), 'build-use-model.js');
  execFileSync(process.execPath, [script, '--model-dir', dir, '--update-manifest'], { stdio: ['ignore', 'ignore', 'inherit'] });
  return dir;
}

async function embedInBatches(model: EmbeddingModel, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += BATCH) out.push(...(await model.run(texts.slice(i, i + BATCH).map((t) => model.tokenize(t)))));
  return out;
}

/**
 * Texts/s over PASSES passes of the sentences in batches of BATCH, one loop per session of the pool;
 * the fastest of ROUNDS measurements (the machine is shared).
 */
async function throughput(model: EmbeddingModel, texts: string[]): Promise<number> {
  const batches: string[][] = [];
  for (let r = 0; r < PASSES; r++) for (let i = 0; i < texts.length; i += BATCH) batches.push(texts.slice(i, i + BATCH));
  await embedInBatches(model, texts); // warm-up
  let best = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let next = 0;
    const start = process.hrtime.bigint();
    const loop = async () => {
      while (next < batches.length) {
        const batch = batches[next++] as string[];
        await model.run(batch.map((t) => model.tokenize(t)));
      }
    };
    await Promise.all(Array.from({ length: model.sessionPoolSize }, loop));
    best = Math.max(best, (PASSES * texts.length) / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  return best;
}

interface Row {
  model: string;
  'texts/s': number;
  'vs fp32': string;
  'cosine to fp32 mean': string;
  'cosine to fp32 min': string;
  'alone vs batched min': string;
  'ROC AUC': string;
  Spearman: string;
}

async function main(): Promise<void> {
  const modelDir = ensureModelBuilt();
  const perTensorDir = buildVariant(modelDir, 'dynamic-int8');
  const weightOnlyDir = buildVariant(modelDir, 'weight-only-int8');
  const { pairs } = readPairSet('similarity-en.json');
  const sentences = [...new Set(pairs.flatMap(([a, b]) => [a, b]))];
  const index = new Map(sentences.map((s, i) => [s, i]));
  const variants = [
    { label: `${FP32} (float32)`, dir: modelDir, name: FP32 },
    { label: `${INT8} (int8, activations per token)`, dir: modelDir, name: INT8 },
    { label: 'int8, activations per tensor (not shipped)', dir: perTensorDir, name: INT8 },
    { label: 'weight-only int8 (not shipped)', dir: weightOnlyDir, name: INT8 },
  ];
  const rows: Row[] = [];
  let reference: Float32Array[] | undefined;
  let referenceRate = 0;
  for (const variant of variants) {
    const model = await loadEmbeddingModel(variant.dir, { name: variant.name });
    try {
      const vectors = await embedInBatches(model, sentences);
      const alone: Float32Array[] = [];
      for (const s of sentences) alone.push(...(await model.run([model.tokenize(s)])));
      const rate = await throughput(model, sentences);
      reference ??= vectors;
      referenceRate ||= rate;
      const agreement = vectors.map((v, i) => cosine(v, reference?.[i] as Float32Array));
      const stability = vectors.map((v, i) => cosine(v, alone[i] as Float32Array));
      const scores = pairs.map(([a, b]) => cosine(vectors[index.get(a) as number] as Float32Array, vectors[index.get(b) as number] as Float32Array));
      rows.push({
        model: variant.label,
        'texts/s': Math.round(rate),
        'vs fp32': `${(rate / referenceRate).toFixed(2)}×`,
        'cosine to fp32 mean': (agreement.reduce((a, b) => a + b, 0) / agreement.length).toFixed(5),
        'cosine to fp32 min': Math.min(...agreement).toFixed(5),
        'alone vs batched min': Math.min(...stability).toFixed(5),
        'ROC AUC': rocAuc(scores, pairs.map(([, , grade]) => grade >= 3)).toFixed(3),
        Spearman: spearman(scores, pairs.map(([, , grade]) => grade)).toFixed(3),
      });
    } finally {
      await model.release();
    }
  }
  console.log(
    `\nint8-vs-fp32: ${sentences.length} sentences, ${pairs.length} labelled pairs, batches of ${BATCH}, ` +
      `texts/s the fastest of ${ROUNDS} runs of ${PASSES} passes\n`,
  );
  console.table(rows);
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
