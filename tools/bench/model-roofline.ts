// Model roofline (issue 5): how close an embedding model runs to this machine's limit, and why
// batching gains what it gains.
//   1. The limit: ONNX Runtime's own GEMM on this machine (a MatMul graph built here, the model's
//      largest shape), float32 in GFLOP/s, and the int8 one (DynamicQuantizeLinear → MatMulInteger,
//      the pattern ONNX Runtime fuses) in GOP/s, with 1 and 2 intra-op threads.
//   2. The model's FLOPs per token, counted from its graph: 2·K·N for every matrix product with a
//      constant [K, N] weight, except the last one (the tanh layer, run once per text on the pooled
//      vector). The attention products are left out (4·L·width per token: < 3% up to 64 tokens).
//   3. session.run of the built model (onnxruntime-node directly, no worker) at batch 1…64 ×
//      sequence 8…64, every token real: ms per run and achieved FLOP/s as % of the GEMM peak, for
//      1 and 2 intra-op threads. Times are the fastest of repeated runs (the machine is shared).
//   npm run build && node -r ./tools/scripts/register-paths.js dist/tools/bench/model-roofline.js [--model use-lite-en-int8] [--quick]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { ensureModelBuilt, readModelManifest, repositoryModelsDir } from '@autoglm/analysis-feature';

const BATCHES = [1, 2, 4, 8, 16, 32, 64];
const SEQUENCES = [8, 16, 32, 64];
const THREADS = [1, 2];
/** The GEMM shapes [M, K, N] the peak is the best of: the model's qkv/FFN products at 256 and 1024 tokens. */
const GEMM_SHAPES: [number, number, number][] = [
  [256, 512, 1536],
  [1024, 512, 1536],
  [1024, 1536, 512],
];

interface OnnxTensor {
  name: string;
  dims?: number[];
}
interface OnnxNode {
  opType: string;
  input?: string[];
  output?: string[];
}
interface OnnxWriter {
  OnnxType: { FLOAT: number; INT8: number };
  encodeOnnxModel(model: object): Buffer;
  decodeOnnxModel(bytes: Buffer): { graph: { node: OnnxNode[]; initializer: OnnxTensor[] } };
  rawTensor(name: string, dataType: number, dims: number[], bytes: Buffer): object;
  onnxNode(opType: string, inputs: string[], outputs: string[], attrs?: object[]): object;
  onnxValueInfo(name: string, elemType: number, dims: (number | string)[]): object;
  onnxAttr: { int(name: string, value: number): object };
}

/** The build scripts' ONNX writer (plain CommonJS under tools/scripts, not part of the TypeScript build). */
function onnxWriter(): OnnxWriter {
  const load = createRequire(__filename);
  return load(join(dirname(repositoryModelsDir().buildScript), 'onnx-model-writer.js')) as OnnxWriter;
}

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** The fastest of at least 3 runs and as many as fit in budgetMs (seconds). */
async function fastest(run: () => Promise<unknown>, budgetMs: number): Promise<number> {
  await run();
  let best = Number.POSITIVE_INFINITY;
  const end = Date.now() + budgetMs;
  for (let n = 0; n < 3 || (Date.now() < end && n < 500); n++) {
    const start = process.hrtime.bigint();
    await run();
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e9);
  }
  return best;
}

const sessionOptions = (threads: number): ort.InferenceSession.SessionOptions => ({ intraOpNumThreads: threads, interOpNumThreads: 1 });

/** Deterministic weights in [-0.5, 0.5). */
function pseudoRandomBytes(count: number, bytesPer: 1 | 4): Buffer {
  const bytes = Buffer.alloc(count * bytesPer);
  for (let i = 0; i < count; i++) {
    const v = ((i * 2_654_435_761) % 1_000) / 1_000 - 0.5;
    if (bytesPer === 4) bytes.writeFloatLE(v, i * 4);
    else bytes.writeInt8(Math.round(v * 254), i);
  }
  return bytes;
}

/** A one-product graph A [m, K] × W [K, N]: float32 MatMul, or the dynamic-int8 pattern the model's int8 variant uses. */
function gemmModel(w: OnnxWriter, k: number, n: number, int8: boolean): Buffer {
  const { FLOAT, INT8 } = w.OnnxType;
  const nodes = int8
    ? [
        w.onnxNode('DynamicQuantizeLinear', ['A'], ['Aq', 'As', 'Az']),
        w.onnxNode('MatMulInteger', ['Aq', 'W', 'Az', 'Wz'], ['Ci']),
        w.onnxNode('Cast', ['Ci'], ['Cf'], [w.onnxAttr.int('to', FLOAT)]),
        w.onnxNode('Mul', ['As', 'Ws'], ['S']),
        w.onnxNode('Mul', ['Cf', 'S'], ['C']),
      ]
    : [w.onnxNode('MatMul', ['A', 'W'], ['C'])];
  const initializer = int8
    ? [
        w.rawTensor('W', INT8, [k, n], pseudoRandomBytes(k * n, 1)),
        w.rawTensor('Ws', FLOAT, [n], Buffer.from(new Float32Array(n).fill(0.01).buffer)),
        w.rawTensor('Wz', INT8, [n], Buffer.alloc(n)),
      ]
    : [w.rawTensor('W', FLOAT, [k, n], pseudoRandomBytes(k * n, 4))];
  return w.encodeOnnxModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 18 }],
    graph: { name: 'gemm', initializer, input: [w.onnxValueInfo('A', FLOAT, ['m', k])], output: [w.onnxValueInfo('C', FLOAT, ['m', n])], node: nodes },
  });
}

/** Best GEMM rate over GEMM_SHAPES, in FLOP/s (int8: integer op/s). */
async function gemmPeak(w: OnnxWriter, threads: number, int8: boolean, budgetMs: number): Promise<number> {
  let best = 0;
  for (const [m, k, n] of GEMM_SHAPES) {
    const session = await ort.InferenceSession.create(gemmModel(w, k, n, int8), sessionOptions(threads));
    const a = new ort.Tensor('float32', Float32Array.from({ length: m * k }, (_, i) => ((i % 17) - 8) / 17), [m, k]);
    const seconds = await fastest(() => session.run({ A: a }), budgetMs);
    best = Math.max(best, (2 * m * k * n) / seconds);
    await session.release();
  }
  return best;
}

/** FLOPs per token of the weight products (see the header), and how many there are. */
function flopsPerToken(w: OnnxWriter, model: Buffer): { flops: number; products: number } {
  const { graph } = w.decodeOnnxModel(model);
  const weightDims = new Map(graph.initializer.map((t) => [t.name, t.dims ?? []]));
  const products = graph.node
    .filter((n) => n.opType === 'MatMul' || n.opType === 'MatMulInteger')
    .map((n) => weightDims.get(n.input?.[1] ?? ''))
    .filter((dims): dims is number[] => dims?.length === 2);
  // The tanh layer after pooling is the last product: once per text, not per token.
  const perToken = products.slice(0, -1);
  return { flops: perToken.reduce((sum, [k, n]) => sum + 2 * (k as number) * (n as number), 0), products: perToken.length };
}

interface Cell {
  batch: number;
  sequence: number;
  seconds: number;
}

async function runGrid(model: Buffer, threads: number, batches: number[], sequences: number[], budgetMs: number): Promise<Cell[]> {
  const session = await ort.InferenceSession.create(model, sessionOptions(threads));
  const cells: Cell[] = [];
  for (const sequence of sequences) {
    for (const batch of batches) {
      const size = batch * sequence;
      const ids = BigInt64Array.from({ length: size }, (_, i) => BigInt(10 + ((i * 7_919) % 7_000)));
      const feeds = {
        input_ids: new ort.Tensor('int64', ids, [batch, sequence]),
        attention_mask: new ort.Tensor('int64', new BigInt64Array(size).fill(1n), [batch, sequence]),
      };
      cells.push({ batch, sequence, seconds: await fastest(() => session.run(feeds), budgetMs) });
    }
  }
  await session.release();
  return cells;
}

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const name = argValue('--model') ?? 'use-lite-en';
  const modelDir = ensureModelBuilt();
  const manifest = readModelManifest(modelDir, name);
  const file = manifest.files.find((f) => f.role === 'model');
  if (!file) throw new Error(`${name} has no model file`);
  const model = readFileSync(join(modelDir, file.path));
  const w = onnxWriter();
  const int8 = manifest.quantization !== undefined && manifest.quantization.scheme.startsWith('dynamic-int8');
  const budget = quick ? 150 : 400;
  const batches = quick ? [1, 4, 16, 32, 64] : BATCHES;
  const sequences = quick ? [8, 16, 32] : SEQUENCES;

  const { flops, products } = flopsPerToken(w, model);
  console.log(`\nmodel-roofline: ${manifest.name}@${manifest.version}, ${products} weight products per token, ${(flops / 1e6).toFixed(2)} MFLOP per token`);
  for (const threads of THREADS) {
    const peak32 = await gemmPeak(w, threads, false, budget * 2);
    const peak8 = await gemmPeak(w, threads, true, budget * 2);
    // The model's own arithmetic decides its limit: int8 products for the dynamic int8 variants.
    const peak = int8 ? peak8 : peak32;
    const cells = await runGrid(model, threads, batches, sequences, budget);
    console.log(
      `\n${threads} intra-op thread(s): ONNX Runtime GEMM peak float32 ${(peak32 / 1e9).toFixed(0)} GFLOP/s, int8 ${(peak8 / 1e9).toFixed(0)} GOP/s → ` +
        `limit ${Math.round(peak / flops).toLocaleString('en')} tokens/s for this model (${int8 ? 'int8' : 'float32'} products)`,
    );
    console.log('session.run: ms per run · % of the GEMM peak (rows: tokens per text, columns: batch size)');
    console.table(
      sequences.map((sequence) => {
        const row: Record<string, string | number> = { tokens: sequence };
        for (const c of cells.filter((x) => x.sequence === sequence)) {
          row[`b${c.batch}`] = `${(c.seconds * 1e3).toFixed(1)} · ${Math.round((100 * c.batch * c.sequence * flops) / c.seconds / peak)}%`;
        }
        return row;
      }),
    );
    const rate = (c: Cell) => (c.batch * c.sequence) / c.seconds;
    const best = cells.reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const single = (sequence: number) => cells.find((c) => c.batch === 1 && c.sequence === sequence) as Cell;
    console.log(
      `best: ${Math.round(rate(best)).toLocaleString('en')} tokens/s at batch ${best.batch} × ${best.sequence} tokens ` +
        `(${Math.round((100 * rate(best) * flops) / peak)}% of peak); batch 1 reaches ` +
        sequences.map((s) => `${Math.round((100 * rate(single(s))) / rate(best))}% of that at ${s} tokens`).join(', '),
    );
  }
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
