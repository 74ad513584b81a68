import { Logger } from '@nestjs/common';
import { WorkerRpc, workerSource } from '../worker/worker-rpc';

/** Execution providers tried in order; CPU is always the last resort. */
export const DEFAULT_EXECUTION_PROVIDERS: readonly string[] = ['cpu'];

/**
 * The ONNX Runtime side, run in a worker thread: onnxruntime-node's session.run computes
 * synchronously on the calling thread, so inference there keeps the service's event loop free
 * (and keeps the addon's typed arrays out of Jest's sandbox, where they fail instanceof checks).
 */
const HANDLERS = `{
  async open({ model, preferred }) {
    const ort = require(workerData.onnxruntimePath);
    const bundled = ort.listSupportedBackends().filter((b) => b.bundled).map((b) => b.name);
    const notes = [];
    const candidates = preferred.filter((p) => p !== 'cpu').concat(['cpu']);
    for (const provider of candidates) {
      if (!bundled.includes(provider)) {
        notes.push('execution provider ' + provider + ' is not in this onnxruntime-node build');
        continue;
      }
      try {
        globalThis.session = await ort.InferenceSession.create(new Uint8Array(model), {
          executionProviders: [provider],
          graphOptimizationLevel: 'all',
        });
        globalThis.ort = ort;
        return { result: { executionProvider: provider, bundled, notes } };
      } catch (error) {
        if (provider === 'cpu') throw error;
        notes.push('execution provider ' + provider + ' failed: ' + error.message);
      }
    }
    throw new Error('no execution provider could load the model');
  },
  async run({ ids, weights, batch, sequence }) {
    const { ort, session } = globalThis;
    const out = await session.run({
      input_ids: new ort.Tensor('int64', new BigInt64Array(ids), [batch, sequence]),
      weights: new ort.Tensor('float32', new Float32Array(weights), [batch, sequence]),
    });
    const data = out.embedding.data;
    const copy = new Float32Array(data);
    return { result: copy.buffer, transfer: [copy.buffer] };
  },
  async release() {
    if (globalThis.session) await globalThis.session.release();
    globalThis.session = undefined;
    return {};
  },
}`;

interface OpenResult {
  executionProvider: string;
  bundled: string[];
  notes: string[];
}

/** An ONNX Runtime InferenceSession living in its own worker thread. */
export class OnnxSession {
  private constructor(
    private readonly rpc: WorkerRpc,
    /** The provider that accepted the model. */
    readonly executionProvider: string,
    /** Providers compiled into the installed onnxruntime-node (listSupportedBackends). */
    readonly bundledProviders: readonly string[],
  ) {}

  static async open(
    model: Uint8Array,
    preferred: readonly string[] = DEFAULT_EXECUTION_PROVIDERS,
    logger = new Logger('OnnxSession'),
  ): Promise<OnnxSession> {
    const rpc = new WorkerRpc('onnxruntime', workerSource(HANDLERS), { onnxruntimePath: require.resolve('onnxruntime-node') });
    try {
      const copy = new Uint8Array(model).buffer;
      const opened = await rpc.call<OpenResult>('open', { model: copy, preferred: [...preferred] }, [copy]);
      for (const note of opened.notes) logger.warn(`${note}; falling back`);
      return new OnnxSession(rpc, opened.executionProvider, opened.bundled);
    } catch (error) {
      await rpc.close();
      throw error;
    }
  }

  /** One session.run over a [batch, sequence] input; returns the [batch, dimension] output, row-major. */
  async run(ids: BigInt64Array, weights: Float32Array, batch: number, sequence: number): Promise<Float32Array> {
    const buffers = [ids.buffer, weights.buffer] as ArrayBuffer[];
    const out = await this.rpc.call<ArrayBuffer>('run', { ids: ids.buffer, weights: weights.buffer, batch, sequence }, buffers);
    return new Float32Array(out);
  }

  async release(): Promise<void> {
    try {
      await this.rpc.call('release', {});
    } finally {
      await this.rpc.close();
    }
  }
}
