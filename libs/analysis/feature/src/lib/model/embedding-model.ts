import { modelInferenceDuration } from '@autoglm/shared-observability';
import { modelVersionOf, type ModelManifest } from './model-manifest';
import type { FeedTensor, ModelRunRequest } from './onnx-session';
import { poolHiddenStates, type HiddenStatePooling } from './pooling';
import type { ProviderChoice, SessionPool } from './session-pool';
import type { TextTokenizer } from './text-tokenizer';
import type { TokenizedText } from './word-tokenizer';

/** What a text is embedded as: a search query or a document (models like e5 and bge embed them differently). */
export type EmbeddingRole = 'query' | 'passage';

/**
 * The loaded sentence-embedding model: its manifest, tokenizer and pool of ONNX Runtime sessions.
 * Two graph shapes run: a graph that pools itself (output [batch, dimension], inputs input_ids and
 * weights) and a transformer export whose last_hidden_state [batch, sequence, hidden] the model
 * pools (mean or CLS, from the manifest) and L2-normalises here.
 */
export class EmbeddingModel<T extends TextTokenizer = TextTokenizer> {
  readonly version: string;
  private readonly output: string;
  private readonly pooling: HiddenStatePooling | undefined;

  constructor(
    readonly manifest: ModelManifest,
    readonly tokenizer: T,
    private readonly sessions: SessionPool,
    /** sha256 of the ONNX graph, as verified at load time. */
    readonly sha256: string,
  ) {
    this.version = modelVersionOf(manifest);
    this.output = manifest.outputs[0]?.name ?? 'embedding';
    this.pooling = manifest.pooling === 'mean' || manifest.pooling === 'cls' ? manifest.pooling : undefined;
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

  /** Model input for a text in a role, with the model's prefix for that role (e5: "query: " / "passage: "). */
  tokenize(text: string, role: EmbeddingRole = 'passage'): TokenizedText {
    const prefix = this.manifest.prefixes?.[role] ?? '';
    return this.tokenizer.tokenize(text, prefix);
  }

  /**
   * Runs one padded batch through the model (one session.run, on a free session of the pool); inputs without known tokens
   * must not be passed (their vector would be meaningless; use-lite-en's graph needs every row to hold a token).
   */
  async run(inputs: readonly TokenizedText[]): Promise<Float32Array[]> {
    if (inputs.length === 0) return [];
    const batch = inputs.length;
    const sequence = Math.max(1, ...inputs.map((t) => t.ids.length));
    const request = this.pooling ? hiddenStateFeeds(inputs, batch, sequence, this.output) : pooledFeeds(inputs, batch, sequence, this.output);
    const end = modelInferenceDuration.startTimer({ model: this.name, provider: this.executionProvider });
    const out = await this.sessions.run(request);
    end();
    const dim = this.manifest.dimension;
    if (this.pooling) {
      const masks = inputs.map((t) => t.ids.map(() => 1));
      const vectors = poolHiddenStates(out.data, out.dims, masks, this.pooling, this.manifest.normalization === 'l2');
      const width = vectors[0]?.length ?? 0;
      if (width !== dim) throw new Error(`model returned ${width}-d vectors but its manifest says ${dim}`);
      return vectors;
    }
    if (out.data.length !== batch * dim) throw new Error(`model returned ${out.data.length} values for ${batch} × ${dim}`);
    return inputs.map((_, row) => out.data.subarray(row * dim, (row + 1) * dim));
  }

  async release(): Promise<void> {
    await this.sessions.release();
  }
}

/**
 * A graph that pools itself: input_ids with per-token weights (0 for padding; wink-sg100d) or an
 * attention_mask (1 for real tokens; use-lite-en); the session feeds those its graph declares.
 */
function pooledFeeds(inputs: readonly TokenizedText[], batch: number, sequence: number, output: string): ModelRunRequest {
  const ids = new BigInt64Array(batch * sequence);
  const weights = new Float32Array(batch * sequence);
  const mask = new BigInt64Array(batch * sequence);
  inputs.forEach((t, row) => {
    for (let j = 0; j < t.ids.length; j++) {
      ids[row * sequence + j] = BigInt(t.ids[j] as number);
      weights[row * sequence + j] = t.weights[j] as number;
      mask[row * sequence + j] = 1n;
    }
  });
  const dims = [batch, sequence];
  const feeds: Record<string, FeedTensor> = {
    input_ids: { type: 'int64', data: ids, dims },
    weights: { type: 'float32', data: weights, dims },
    attention_mask: { type: 'int64', data: mask, dims },
  };
  return { feeds, output };
}

/** A BERT-style graph: input_ids, attention_mask (1 for real tokens) and token_type_ids (all 0: one segment). */
function hiddenStateFeeds(inputs: readonly TokenizedText[], batch: number, sequence: number, output: string): ModelRunRequest {
  const ids = new BigInt64Array(batch * sequence);
  const mask = new BigInt64Array(batch * sequence);
  inputs.forEach((t, row) => {
    for (let j = 0; j < t.ids.length; j++) {
      ids[row * sequence + j] = BigInt(t.ids[j] as number);
      mask[row * sequence + j] = 1n;
    }
  });
  const dims = [batch, sequence];
  const feeds: Record<string, FeedTensor> = {
    input_ids: { type: 'int64', data: ids, dims },
    attention_mask: { type: 'int64', data: mask, dims },
    token_type_ids: { type: 'int64', data: new BigInt64Array(batch * sequence), dims },
  };
  return { feeds, output };
}
