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
  async run({ feeds, output }) {
    const { ort, session } = globalThis;
    if (!session) throw new Error('no session is open');
    // Feed only what the graph declares (attention_mask and token_type_ids are optional in exports).
    const inputs = {};
    for (const name of session.inputNames) {
      const feed = feeds[name];
      if (!feed) throw new Error('the model needs an input named ' + name + ', which the service does not provide');
      const data = feed.type === 'int64' ? new BigInt64Array(feed.data) : new Float32Array(feed.data);
      inputs[name] = new ort.Tensor(feed.type, data, feed.dims);
    }
    const out = await session.run(inputs, [output]);
    const tensor = out[output];
    const copy = new Float32Array(tensor.data);
    return { result: { data: copy.buffer, dims: tensor.dims.map(Number) }, transfer: [copy.buffer] };
  },
  async release() {
    if (globalThis.session) await globalThis.session.release();
    globalThis.session = undefined;
    return {};
  },
}`;

/** One input tensor of a run (structured-clone safe). */
export interface FeedTensor {
  type: 'int64' | 'float32';
  data: BigInt64Array | Float32Array;
  dims: number[];
}

/**
 * One session.run: every input the service can provide (the session feeds those its graph
 * declares) and the output to read. The feeds' buffers are transferred to the worker (detached).
 */
export interface ModelRunRequest {
  feeds: Record<string, FeedTensor>;
  output: string;
}

/** A float output tensor, row-major. */
export interface ModelRunOutput {
  data: Float32Array;
  dims: number[];
}

/** One model session: what the session pool hands batches to. */
export interface ModelSession {
  run(request: ModelRunRequest): Promise<ModelRunOutput>;
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

  async run(request: ModelRunRequest): Promise<ModelRunOutput> {
    const feeds: Record<string, { type: FeedTensor['type']; data: ArrayBuffer; dims: number[] }> = {};
    const transfer: ArrayBuffer[] = [];
    for (const [name, feed] of Object.entries(request.feeds)) {
      // Transferred, not copied: the feeds' buffers are detached once the call is made.
      const data = feed.data.buffer as ArrayBuffer;
      feeds[name] = { type: feed.type, data, dims: feed.dims };
      transfer.push(data);
    }
    const out = await this.rpc.call<{ data: ArrayBuffer; dims: number[] }>('run', { feeds, output: request.output }, transfer);
    return { data: new Float32Array(out.data), dims: out.dims };
  }

  async release(): Promise<void> {
    try {
      await this.rpc.call('release', {});
    } finally {
      await this.rpc.close();
    }
  }
}
