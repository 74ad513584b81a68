import type { OrtSessionOptions, ProviderEnvironment } from '../providers/execution-provider';
import { WorkerRpc, workerSource } from '../worker/worker-rpc';

/**
 * The ONNX Runtime side, run in a worker thread: onnxruntime-node's session.run computes
 * synchronously on the calling thread, so inference there keeps the service's event loop free
 * (and keeps the addon's typed arrays out of Jest's sandbox, where they fail instanceof checks).
 */
const HANDLERS = `{
  async probe() {
    const ort = require(workerData.onnxruntimePath);
    const fs = require('node:fs');
    const path = require('node:path');
    // Provider shared libraries sit next to the binding: bin/napi-v*/<platform>/<arch>/.
    const bin = path.join(path.dirname(workerData.onnxruntimePath), '..', 'bin');
    const nativeFiles = [];
    for (const napi of fs.existsSync(bin) ? fs.readdirSync(bin) : []) {
      const dir = path.join(bin, napi, process.platform, process.arch);
      if (fs.existsSync(dir)) nativeFiles.push(...fs.readdirSync(dir));
    }
    const backends = ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
    return { result: { platform: process.platform, arch: process.arch, backends, nativeFiles } };
  },
  async open({ model, options }) {
    const ort = require(workerData.onnxruntimePath);
    if (globalThis.session) await globalThis.session.release();
    globalThis.session = undefined;
    globalThis.session = await ort.InferenceSession.create(new Uint8Array(model), options);
    globalThis.ort = ort;
    return {};
  },
  async run({ ids, weights, batch, sequence }) {
    const { ort, session } = globalThis;
    if (!session) throw new Error('no session is open');
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

/** One model session: what the session pool hands batches to. */
export interface ModelSession {
  /** One session.run over a [batch, sequence] input; returns the [batch, dimension] output, row-major. */
  run(ids: BigInt64Array, weights: Float32Array, batch: number, sequence: number): Promise<Float32Array>;
  release(): Promise<void>;
}

/** A worker that can host one session: asked about the environment, then opened with a provider's options. */
export interface SessionHost extends ModelSession {
  environment(): Promise<Omit<ProviderEnvironment, 'cores'>>;
  open(model: Uint8Array, options: OrtSessionOptions): Promise<void>;
}

/** An ONNX Runtime InferenceSession living in its own worker thread. */
export class OnnxSession implements SessionHost {
  private readonly rpc = new WorkerRpc('onnxruntime', workerSource(HANDLERS), { onnxruntimePath: require.resolve('onnxruntime-node') });

  /** What this onnxruntime-node build supports (listSupportedBackends) and the files it ships. */
  environment(): Promise<Omit<ProviderEnvironment, 'cores'>> {
    return this.rpc.call('probe', {});
  }

  /** Creates the session; on failure the worker stays usable for another provider. */
  async open(model: Uint8Array, options: OrtSessionOptions): Promise<void> {
    const copy = new Uint8Array(model).buffer;
    await this.rpc.call('open', { model: copy, options }, [copy]);
  }

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
