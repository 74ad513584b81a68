// Embedding throughput: the same 2,000 texts (a) one session.run per text, sequentially, and
// (b) from 64 concurrent callers through the DynamicBatcher, configured as EmbeddingService does
// (preferred sizes, token budget, length buckets, one batch per session of the pool).
// Prints texts/s of each and the ratio.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/embed-throughput.js
import {
  DynamicBatcher,
  ensureModelBuilt,
  loadEmbeddingModel,
  type EmbeddingModel,
} from '@autoglm/analysis-feature';
import { defaultConfig } from '@autoglm/shared-config';

/** The batcher constants EmbeddingService takes from the analysis config (defaults). */
const { preferredBatchSizes: PREFERRED_BATCH_SIZES, maxBatchTokens: MAX_BATCH_TOKENS } = defaultConfig().analysis;

const TEXTS = 2_000;
const CALLERS = 64;

/** Deterministic pseudo-random texts of 8–60 words drawn from the model's 20,000 most frequent words. */
function makeTexts(model: EmbeddingModel): string[] {
  let seed = 42;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const words = model.tokenizer.vocabulary.words.slice(0, 20_000);
  return Array.from({ length: TEXTS }, () =>
    Array.from({ length: 8 + Math.floor(random() * 53) }, () => words[Math.floor(random() * words.length)]).join(' '),
  );
}

async function sequential(model: EmbeddingModel, texts: string[]): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (const text of texts) {
    const [vector] = await model.run([model.tokenizer.tokenize(text)]);
    out.push(vector as Float32Array);
  }
  return out;
}

async function batched(model: EmbeddingModel, texts: string[], maxBatchSize: number, maxQueueDelayMs: number) {
  const batcher = new DynamicBatcher((inputs: ReturnType<typeof model.tokenizer.tokenize>[]) => model.run(inputs), {
    maxBatchSize,
    maxQueueDelayMs,
    preferredBatchSizes: PREFERRED_BATCH_SIZES.filter((size) => size <= maxBatchSize),
    maxBatchTokens: MAX_BATCH_TOKENS,
    lengthOf: (t) => t.ids.length,
    maxConcurrentBatches: model.sessionPoolSize,
  });
  const out: Float32Array[] = new Array(texts.length);
  let next = 0;
  const caller = async () => {
    while (next < texts.length) {
      const i = next++;
      out[i] = await batcher.submit(model.tokenizer.tokenize(texts[i] as string));
    }
  };
  await Promise.all(Array.from({ length: CALLERS }, caller));
  batcher.close();
  return { out, metrics: batcher.metrics() };
}

async function timed<T>(run: () => Promise<T>): Promise<{ result: T; seconds: number }> {
  const start = process.hrtime.bigint();
  const result = await run();
  return { result, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function main(): Promise<void> {
  const { analysis } = defaultConfig();
  const model = await loadEmbeddingModel(ensureModelBuilt());
  try {
    const texts = makeTexts(model);
    await sequential(model, texts.slice(0, 50)); // warm-up
    const a = await timed(() => sequential(model, texts));
    const b = await timed(() => batched(model, texts, analysis.maxBatchSize, analysis.maxQueueDelayMs));

    let maxDiff = 0;
    a.result.forEach((v, i) => v.forEach((x, d) => (maxDiff = Math.max(maxDiff, Math.abs(x - (b.result.out[i]?.[d] ?? NaN))))));
    const rateA = TEXTS / a.seconds;
    const rateB = TEXTS / b.seconds;
    const { metrics } = b.result;
    console.log(
      `\nembed-throughput: ${TEXTS} texts, model ${model.version} on ${model.executionProvider}, ` +
        `${model.sessionPoolSize} session(s) in the pool\n`,
    );
    console.table([
      { mode: '(a) sequential, one session.run per text', 'texts/s': Math.round(rateA), seconds: +a.seconds.toFixed(2), runs: TEXTS },
      {
        mode: `(b) ${CALLERS} callers → DynamicBatcher(max ${analysis.maxBatchSize}, ${analysis.maxQueueDelayMs} ms)`,
        'texts/s': Math.round(rateB),
        seconds: +b.seconds.toFixed(2),
        runs: metrics.batches,
      },
    ]);
    console.log(
      `ratio (b)/(a): ${(rateB / rateA).toFixed(1)}×   mean batch: ${(metrics.completed / metrics.batches).toFixed(1)}   ` +
        `largest batch: ${metrics.batchSize.max}   padding efficiency: ${(metrics.paddingEfficiency * 100).toFixed(0)}%   ` +
        `mean queue wait: ${(metrics.queueWaitMs.sum / metrics.queueWaitMs.count).toFixed(2)} ms   ` +
        `mean model time: ${(metrics.modelTimeMs.sum / metrics.modelTimeMs.count).toFixed(2)} ms   max |a−b|: ${maxDiff.toExponential(1)}`,
    );
    if (!(maxDiff < 1e-5)) throw new Error('batched and sequential embeddings differ');
  } finally {
    await model.release();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
