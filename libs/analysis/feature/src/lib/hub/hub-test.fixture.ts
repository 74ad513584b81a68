import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import * as protobuf from 'protobufjs';
import { repositoryModelsDir } from '../model/model-build';

/** The tiny BERT-style model the hub tests build: its vocabulary and hidden size. */
export const TINY_VOCAB = [
  '[PAD]', '[UNK]', '[CLS]', '[SEP]', 'the', 'cat', 'sat', 'on', 'mat', 'dog', '##s', 'run', '##ning', '.', ',',
  'query', ':', 'passage', '猫', '狗', 'cafe',
] as const;
export const TINY_HIDDEN = 4;

/** Deterministic weights (no randomness): word and type embeddings, one dense layer. */
export const tinyWeights = {
  word: (id: number, h: number) => Math.sin(id * 1.3 + h * 0.7) * 0.5,
  type: (t: number, h: number) => 0.1 * (t + 1) * Math.cos(h),
  dense: (h: number, k: number) => Math.cos(h * 1.1 + k * 0.9) * 0.6,
  bias: (k: number) => 0.05 * k,
};

const table = (rows: number, cols: number, f: (r: number, c: number) => number): number[] =>
  Array.from({ length: rows * cols }, (_, i) => f(Math.floor(i / cols), i % cols));

/**
 * An ONNX graph shaped like a BERT export: inputs input_ids, attention_mask, token_type_ids
 * (int64 [batch, sequence]); last_hidden_state = tanh((word[ids] + type[types]) · W + b) · mask.
 */
export function buildTinyBertOnnx(): Buffer {
  const { buildScript } = repositoryModelsDir();
  const root = protobuf.loadSync(join(dirname(buildScript), 'onnx', 'onnx.proto'));
  const ModelProto = root.lookupType('onnx.ModelProto');
  const FLOAT = 1;
  const INT64 = 7;
  const H = TINY_HIDDEN;
  const V = TINY_VOCAB.length;
  const valueInfo = (name: string, elemType: number, dims: (string | number)[]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } } },
  });
  const node = (opType: string, input: string[], output: string[], attribute: object[] = []) => ({ opType, name: output[0], input, output, attribute });
  const floats = (name: string, dims: number[], values: number[]) => ({ name, dims, dataType: FLOAT, floatData: values });
  const model = {
    irVersion: 8,
    producerName: 'open-autoglm hub tests',
    graph: {
      name: 'tiny-bert',
      initializer: [
        floats('word_embeddings', [V, H], table(V, H, tinyWeights.word)),
        floats('token_type_embeddings', [2, H], table(2, H, tinyWeights.type)),
        floats('dense_weight', [H, H], table(H, H, tinyWeights.dense)),
        floats('dense_bias', [H], Array.from({ length: H }, (_, k) => tinyWeights.bias(k))),
        { name: 'axis_hidden', dims: [1], dataType: INT64, int64Data: [2] },
      ],
      input: ['input_ids', 'attention_mask', 'token_type_ids'].map((n) => valueInfo(n, INT64, ['batch', 'sequence'])),
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', H])],
      node: [
        node('Gather', ['word_embeddings', 'input_ids'], ['words'], [{ name: 'axis', type: 2, i: 0 }]),
        node('Gather', ['token_type_embeddings', 'token_type_ids'], ['types'], [{ name: 'axis', type: 2, i: 0 }]),
        node('Add', ['words', 'types'], ['embeddings']),
        node('MatMul', ['embeddings', 'dense_weight'], ['projected']),
        node('Add', ['projected', 'dense_bias'], ['biased']),
        node('Tanh', ['biased'], ['activated']),
        node('Cast', ['attention_mask'], ['mask_float'], [{ name: 'to', type: 2, i: FLOAT }]),
        node('Unsqueeze', ['mask_float', 'axis_hidden'], ['mask_hidden']),
        node('Mul', ['activated', 'mask_hidden'], ['last_hidden_state']),
      ],
    },
    opsetImport: [{ domain: '', version: 17 }],
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`invalid tiny ONNX model: ${problem}`);
  return Buffer.from(ModelProto.encode(ModelProto.fromObject(model)).finish());
}

/** The files of a tiny sentence-transformers-style repository. */
export function tinyRepoFiles(pooling: 'mean' | 'cls' = 'mean'): Record<string, Buffer> {
  const json = (x: unknown) => Buffer.from(JSON.stringify(x, null, 2));
  return {
    'config.json': json({ model_type: 'bert', hidden_size: TINY_HIDDEN, max_position_embeddings: 16, vocab_size: TINY_VOCAB.length }),
    'tokenizer.json': json({
      version: '1.0',
      truncation: null,
      padding: null,
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
      },
      model: {
        type: 'WordPiece',
        unk_token: '[UNK]',
        continuing_subword_prefix: '##',
        max_input_chars_per_word: 100,
        vocab: Object.fromEntries(TINY_VOCAB.map((t, i) => [t, i])),
      },
    }),
    'modules.json': json([
      { idx: 0, name: '0', path: '', type: 'sentence_transformers.models.Transformer' },
      { idx: 1, name: '1', path: '1_Pooling', type: 'sentence_transformers.models.Pooling' },
      { idx: 2, name: '2', path: '2_Normalize', type: 'sentence_transformers.models.Normalize' },
    ]),
    '1_Pooling/config.json': json({
      word_embedding_dimension: TINY_HIDDEN,
      pooling_mode_cls_token: pooling === 'cls',
      pooling_mode_mean_tokens: pooling === 'mean',
    }),
    'onnx/model.onnx': buildTinyBertOnnx(),
    'README.md': Buffer.from('---\nlicense: apache-2.0\nlanguage: en\n---\n# tiny\n'),
  };
}

export interface FakeHubRequest {
  path: string;
  range: string | undefined;
  host: string;
}

export interface FakeHubOptions {
  repo: string;
  revision?: string;
  commit?: string;
  files: Record<string, Buffer>;
  /** LFS-like files (answered with a redirect to the CDN server and X-Linked-Etag). */
  lfs?: (path: string) => boolean;
  /** The first full GET of these files sends this many bytes, then the connection drops. */
  breakAfter?: Record<string, number>;
  /** X-Linked-Etag states this sha256 instead of the real one. */
  wrongSha?: Record<string, string>;
}

export interface FakeHub {
  endpoint: string;
  cdn: string;
  requests: FakeHubRequest[];
  close(): Promise<void>;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sha1 = (b: Buffer) => createHash('sha1').update(b).digest('hex');

function listen(server: Server): Promise<string> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)));
}

/** Sends a file with Range support (206 for `bytes=N-`), optionally dropping the connection after `breakAt` bytes. */
function sendFile(req: IncomingMessage, res: ServerResponse, body: Buffer, headers: Record<string, string>, breakAt?: number): void {
  const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (start > body.length) {
    res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
    return;
  }
  const part = body.subarray(start);
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'content-length': String(part.length),
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
  });
  if (breakAt !== undefined) {
    res.write(part.subarray(0, breakAt), () => setTimeout(() => res.socket?.destroy(), 20));
    return;
  }
  res.end(part);
}

/** A loopback stand-in of the hub (<endpoint>/<repo>/resolve/<revision>/<path>) and its CDN (a second origin). */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const revision = options.revision ?? 'main';
  const commit = options.commit ?? 'c0ffee0123456789abcdef0123456789abcdef01';
  const requests: FakeHubRequest[] = [];
  const broken = new Set<string>();
  const lfs = options.lfs ?? ((p: string) => p.endsWith('.onnx'));
  const bySha = new Map<string, { path: string; body: Buffer }>();
  for (const [path, body] of Object.entries(options.files)) bySha.set(sha256(body), { path, body });
  const maybeBreak = (path: string, req: IncomingMessage): number | undefined => {
    const at = options.breakAfter?.[path];
    if (at === undefined || req.headers.range || broken.has(path)) return undefined;
    broken.add(path);
    return at;
  };

  const cdnServer = createServer((req, res) => {
    requests.push({ path: req.url ?? '', range: req.headers.range, host: 'cdn' });
    const entry = bySha.get((req.url ?? '').replace(/^\/blobs\//, ''));
    if (!entry) return void res.writeHead(404).end('no such blob');
    sendFile(req, res, entry.body, { 'content-type': 'application/octet-stream' }, maybeBreak(entry.path, req));
  });
  const cdn = await listen(cdnServer);
  const prefix = `/${options.repo}/resolve/${revision}/`;
  const hubServer = createServer((req, res) => {
    const url = decodeURIComponent(req.url ?? '');
    requests.push({ path: url, range: req.headers.range, host: 'hub' });
    const path = url.startsWith(prefix) ? url.slice(prefix.length) : undefined;
    const body = path === undefined ? undefined : options.files[path];
    if (path === undefined || !body) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const stated = options.wrongSha?.[path] ?? sha256(body);
    if (lfs(path)) {
      res.writeHead(302, { location: `${cdn}/blobs/${sha256(body)}`, 'x-linked-etag': `"${stated}"`, 'x-repo-commit': commit, etag: `"${stated}"` }).end();
      return;
    }
    sendFile(req, res, body, { etag: `"${sha1(body)}"`, 'x-repo-commit': commit, 'content-type': 'application/json' }, maybeBreak(path, req));
  });
  const endpoint = await listen(hubServer);
  return {
    endpoint,
    cdn,
    requests,
    close: async () => {
      for (const s of [hubServer, cdnServer]) {
        s.closeAllConnections();
        await new Promise((r) => s.close(r));
      }
    },
  };
}
