import { modelVersionOf, type ModelManifest } from './model-manifest';
import type { ProviderChoice, SessionPool } from './session-pool';
import type { TokenizedText, WordTokenizer } from './word-tokenizer';

/** The loaded sentence-embedding model: its manifest, tokenizer and pool of ONNX Runtime sessions. */
export class EmbeddingModel {
  readonly version: string;

  constructor(
    readonly manifest: ModelManifest,
    readonly tokenizer: WordTokenizer,
    private readonly sessions: SessionPool,
    /** sha256 of model.onnx, as verified at load time. */
    readonly sha256: string,
  ) {
    this.version = modelVersionOf(manifest);
  }

  /** The execution provider that runs the model. */
  get executionProvider(): string {
    return this.sessions.executionProvider;
  }

  /** How the provider was chosen: the fallback trail and every registered provider's status. */
  get providerChoice(): ProviderChoice {
    return this.sessions.choice;
  }

  /** Sessions that can each run a batch at the same time. */
  get sessionPoolSize(): number {
    return this.sessions.size;
  }

  get name(): string {
    return this.manifest.name;
  }

  get dimension(): number {
    return this.manifest.dimension;
  }

  /**
   * Runs one padded batch through the model (one session.run, on a free session of the pool); inputs without known tokens
   * must not be passed (their vector would be meaningless).
   */
  async run(inputs: readonly TokenizedText[]): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const batch = inputs.length;
    const sequence = Math.max(1, ...inputs.map((t) => t.ids.length));
    const ids = new BigInt64Array(batch * sequence);
    const weights = new Float32Array(batch * sequence);
    inputs.forEach((t, row) => {
      for (let j = 0; j < t.ids.length; j++) {
        ids[row * sequence + j] = BigInt(t.ids[j] as number);
        weights[row * sequence + j] = t.weights[j] as number;
      }
    });
    const data = await this.sessions.run(ids, weights, batch, sequence);
    const dim = this.manifest.dimension;
    if (data.length !== batch * dim) throw new Error(`model returned ${data.length} values for ${batch} × ${dim}`);
    return inputs.map((_, row) => data.subarray(row * dim, (row + 1) * dim));
  }

  async release(): Promise<void> {
    await this.sessions.release();
  }
}
