// Batcher overhead: what the DynamicBatcher costs per request compared with calling the model
// function directly with pre-formed batches. Each scenario first runs the batcher (EmbeddingService's
// settings) and records the batches it formed; then the very same batches are replayed straight into
// the model function with the same concurrency. Two arrival patterns:
//   burst  — every request submitted at once: the difference is the batcher's own bookkeeping;
//   closed — 64 callers, each submitting its next request when the previous one is answered: the
//            difference also holds the pipeline bubbles of waiting for callers to come back.
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/batcher-overhead.js
import {
  DynamicBatcher,
  ensureModelBuilt,
  loadEmbeddingModel,
  type BatchRunner,
  type EmbeddingModel,
} from '@autoglm/analysis-feature';
import { defaultConfig } from '@autoglm/shared-config';

/** The batcher constants EmbeddingService takes from the analysis config (defaults). */
const { preferredBatchSizes: PREFERRED_BATCH_SIZES, maxBatchTokens: MAX_BATCH_TOKENS } = defaultConfig().analysis;

const CALLERS = 64;
const ROUNDS = 5;

interface Item {
  length: number;
}

interface Scenario<T extends Item, R> {
  name: string;
  inputs: T[];
  run: BatchRunner<T, R>;
  concurrency: number;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

type Arrival = 'burst' | 'closed';

async function throughBatcher<T extends Item, R>(s: Scenario<T, R>, arrival: Arrival, maxBatchSize: number, maxQueueDelayMs: number) {
  const formed: T[][] = [];
  const batcher = new DynamicBatcher<T, R>(
    (inputs) => {
      formed.push(inputs);
      return s.run(inputs);
    },
    {
      maxBatchSize,
      maxQueueDelayMs,
      preferredBatchSizes: PREFERRED_BATCH_SIZES.filter((size) => size <= maxBatchSize),
      maxBatchTokens: MAX_BATCH_TOKENS,
      lengthOf: (x) => x.length,
      maxConcurrentBatches: s.concurrency,
      maxQueueSize: s.inputs.length,
    },
  );
  const priority = (i: number) => (i % 4 === 0 ? 'bulk' : 'interactive');
  let next = 0;
  const start = process.hrtime.bigint();
  if (arrival === 'burst') {
    await Promise.all(s.inputs.map((x, i) => batcher.submit(x, { priority: priority(i) })));
  } else {
    await Promise.all(
      Array.from({ length: CALLERS }, async () => {
        while (next < s.inputs.length) {
          const i = next++;
          await batcher.submit(s.inputs[i] as T, { priority: priority(i) });
        }
      }),
    );
  }
  const elapsed = seconds(start);
  batcher.close();
  return { elapsed, formed, metrics: batcher.metrics() };
}

/** The same batches straight into the model function, `concurrency` at a time. */
async function direct<T extends Item, R>(s: Scenario<T, R>, batches: T[][]): Promise<number> {
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: s.concurrency }, async () => {
      while (next < batches.length) await s.run(batches[next++] as T[]);
    }),
  );
  return seconds(start);
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function measure<T extends Item, R>(s: Scenario<T, R>, arrival: Arrival, maxBatchSize: number, maxQueueDelayMs: number) {
  const batched: number[] = [];
  const plain: number[] = [];
  let last: Awaited<ReturnType<typeof throughBatcher<T, R>>> | undefined;
  for (let round = 0; round < ROUNDS; round++) {
    last = await throughBatcher(s, arrival, maxBatchSize, maxQueueDelayMs);
    batched.push(last.elapsed);
    plain.push(await direct(s, last.formed));
  }
  const b = median(batched);
  const d = median(plain);
  const m = (last as NonNullable<typeof last>).metrics;
  return {
    scenario: s.name,
    arrival,
    requests: s.inputs.length,
    batches: m.batches,
    'mean batch': +(m.completed / m.batches).toFixed(1),
    'direct ms': +(d * 1e3).toFixed(1),
    'batcher ms': +(b * 1e3).toFixed(1),
    'overhead µs/request': +(((b - d) / s.inputs.length) * 1e6).toFixed(2),
    'ratio batcher/direct': +(b / d).toFixed(3),
  };
}

/** Deterministic texts of 8–60 words drawn from the model's 20,000 most frequent words. */
function makeTexts(model: EmbeddingModel, count: number): string[] {
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const words = model.tokenizer.vocabulary.words.slice(0, 20_000);
  return Array.from({ length: count }, () =>
    Array.from({ length: 8 + Math.floor(random() * 53) }, () => words[Math.floor(random() * words.length)]).join(' '),
  );
}

async function main(): Promise<void> {
  const { analysis } = defaultConfig();
  const { maxBatchSize, maxQueueDelayMs } = analysis;
  const model = await loadEmbeddingModel(ensureModelBuilt());
  try {
    // A model function that does no work: the whole difference is the batcher's own cost.
    const noop: Scenario<Item, number> = {
      name: 'no-op model (next microtask)',
      inputs: Array.from({ length: 100_000 }, (_, i) => ({ length: 8 + (i % 53) })),
      run: async (xs) => xs.map((x) => x.length),
      concurrency: model.sessionPoolSize,
    };
    // A model function that takes time off the event loop, like a session in a worker.
    const sleepy: Scenario<Item, number> = {
      name: 'model taking 1 ms per batch',
      inputs: Array.from({ length: 20_000 }, (_, i) => ({ length: 8 + (i % 53) })),
      run: (xs) => new Promise((r) => setTimeout(() => r(xs.map((x) => x.length)), 1)),
      concurrency: model.sessionPoolSize,
    };
    const tokens = makeTexts(model, 4_000).map((t) => model.tokenizer.tokenize(t));
    const real: Scenario<(typeof tokens)[number] & Item, Float32Array> = {
      name: `${model.version} on ${model.executionProvider}, ${model.sessionPoolSize} session(s)`,
      inputs: tokens.map((t) => Object.assign(t, { length: t.ids.length })),
      run: (xs) => model.run(xs),
      concurrency: model.sessionPoolSize,
    };
    await direct(real, [real.inputs.slice(0, 32)]); // warm-up

    const rows = [];
    for (const scenario of [noop, sleepy, real] as Scenario<Item, unknown>[]) {
      for (const arrival of ['burst', 'closed'] as const) rows.push(await measure(scenario, arrival, maxBatchSize, maxQueueDelayMs));
    }
    console.log(
      `\nbatcher-overhead: burst or ${CALLERS} closed-loop callers → DynamicBatcher(max ${maxBatchSize}, ${maxQueueDelayMs} ms, ` +
        `preferred [${PREFERRED_BATCH_SIZES.join(', ')}], ${MAX_BATCH_TOKENS} tokens) vs the same batches called directly; ` +
        `median of ${ROUNDS} rounds\n`,
    );
    console.table(rows);
  } finally {
    await model.release();
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
