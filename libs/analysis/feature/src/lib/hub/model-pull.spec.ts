import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@autoglm/shared-errors';
import { HubClient } from './hub-client';
import { startFakeHub, tinyRepoFiles, type FakeHub } from './hub-test.fixture';
import { pullHubModel, type PullOptions, type PullProgress } from './model-pull';

const REPO = 'test-org/tiny-bert';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

function recordingProgress() {
  const events: string[] = [];
  const progress: PullProgress = {
    start: (file, total, from) => events.push(`start ${file} ${total} ${from}`),
    advance: () => undefined,
    finish: (file, outcome) => events.push(`${outcome} ${file}`),
  };
  return { events, progress };
}

describe(pullHubModel.name, () => {
  let hub: FakeHub | undefined;
  let modelDir: string;
  const files = tinyRepoFiles();

  const pull = (extra: Partial<PullOptions> = {}) =>
    pullHubModel({
      repo: REPO,
      modelDir,
      client: new HubClient({ endpoint: (hub as FakeHub).endpoint, allowLoopbackRedirects: true }),
      ...extra,
    });

  beforeEach(() => {
    modelDir = mkdtempSync(join(tmpdir(), 'autoglm-pull-'));
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('downloads the export through the hub URL layout and its CDN redirect, and writes a manifest', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    const { events, progress } = recordingProgress();

    const sut = await pull({ progress });

    const m = sut.manifest;
    expect(sut.manifestPath).toBe(join(modelDir, 'test-org--tiny-bert', 'manifest.json'));
    expect(JSON.parse(readFileSync(sut.manifestPath, 'utf8'))).toEqual(m);
    expect(m).toMatchObject({
      name: 'test-org--tiny-bert',
      version: 'c0ffee012345',
      task: 'embedding',
      dimension: 4,
      maxTokens: 16,
      pooling: 'mean',
      normalization: 'l2',
      tokenizer: { kind: 'wordpiece', lowercase: true, vocabSize: 21 },
      license: { spdx: 'apache-2.0' },
      source: { package: REPO, version: 'c0ffee0123456789abcdef0123456789abcdef01', file: 'onnx/model.onnx' },
    });
    expect(m.prefixes).toBeUndefined();
    expect(m.files.map((f) => [f.role, f.path])).toEqual([
      ['config', 'build/test-org--tiny-bert/config.json'],
      ['tokenizer', 'build/test-org--tiny-bert/tokenizer.json'],
      ['modules', 'build/test-org--tiny-bert/modules.json'],
      ['pooling', 'build/test-org--tiny-bert/1_Pooling/config.json'],
      ['model', 'build/test-org--tiny-bert/onnx/model.onnx'],
    ]);
    for (const f of m.files) expect(sha256(readFileSync(join(modelDir, f.path)))).toBe(f.sha256);
    expect(m.files.find((f) => f.role === 'model')?.sha256).toBe(sha256(files['onnx/model.onnx'] as Buffer));
    expect(hub.requests.filter((r) => r.host === 'cdn')).toHaveLength(1);
    expect(hub.requests.map((r) => r.path)).toContain(`/${REPO}/resolve/main/onnx/model.onnx`);
    expect(events).toContain(`start onnx/model.onnx ${(files['onnx/model.onnx'] as Buffer).length} 0`);
    expect(events).toContain('downloaded onnx/model.onnx');
    expect(existsSync(join(modelDir, 'build/test-org--tiny-bert/onnx/model.onnx.partial'))).toBe(false);
  });

  it('skips files that already match the manifest on a second pull', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    await pull();
    const before = hub.requests.length;

    const sut = await pull();

    expect(sut.downloaded).toEqual([]);
    expect(sut.skipped).toContain('onnx/model.onnx');
    // Only optional files that are absent and the model card are asked for again.
    expect(hub.requests.slice(before).map((r) => r.path)).toEqual([`/${REPO}/resolve/main/README.md`]);
  });

  it('resumes an interrupted download with an HTTP Range request', async () => {
    hub = await startFakeHub({ repo: REPO, files, breakAfter: { 'onnx/model.onnx': 100 } });

    const first = await pull().catch((e: unknown) => e);

    expect(first).toMatchObject({ code: ErrorCode.Unavailable, message: expect.stringMatching(/onnx\/model\.onnx .*100 .*run the same pull again to resume/) });
    const partial = join(modelDir, 'build/test-org--tiny-bert/onnx/model.onnx.partial');
    expect(statSync(partial).size).toBe(100);

    const sut = await pull();

    expect(hub.requests.filter((r) => r.host === 'cdn').map((r) => r.range)).toEqual([undefined, 'bytes=100-']);
    // The small files completed before the break; without a manifest yet they are fetched again, the model is resumed.
    expect(sut.downloaded).toContain('onnx/model.onnx');
    const model = sut.manifest.files.find((f) => f.role === 'model');
    expect(model?.sha256).toBe(sha256(files['onnx/model.onnx'] as Buffer));
    expect(readFileSync(join(modelDir, model?.path as string))).toEqual(files['onnx/model.onnx']);
  });

  it('refuses a download whose sha256 differs from the one the hub states, naming the file', async () => {
    hub = await startFakeHub({ repo: REPO, files, wrongSha: { 'onnx/model.onnx': 'a'.repeat(64) } });

    const error = await pull().catch((e: unknown) => e);

    expect(error).toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringContaining(`checksum mismatch for onnx/model.onnx of ${REPO}: the hub states sha256 ${'a'.repeat(64)}`),
    });
    expect(existsSync(join(modelDir, 'build/test-org--tiny-bert/onnx/model.onnx'))).toBe(false);
    expect(existsSync(join(modelDir, 'build/test-org--tiny-bert/onnx/model.onnx.partial'))).toBe(false);
    expect(existsSync(join(modelDir, 'test-org--tiny-bert/manifest.json'))).toBe(false);
  });

  it('reports a missing ONNX export as NOT_FOUND naming the file, and asks for the quantized file with --quantized', async () => {
    const { ['onnx/model.onnx']: _dropped, ...withoutOnnx } = files;
    hub = await startFakeHub({ repo: REPO, files: withoutOnnx });

    await expect(pull()).rejects.toMatchObject({
      code: ErrorCode.NotFound,
      message: expect.stringMatching(/^onnx\/model\.onnx was not found in test-org\/tiny-bert@main \(HTTP 404 .*try --quantized/),
    });
    await expect(pull({ quantized: true })).rejects.toMatchObject({ message: expect.stringContaining('onnx/model_quantized.onnx was not found') });
  });

  it('takes onnx/model_quantized.onnx with --quantized', async () => {
    const { ['onnx/model.onnx']: onnx, ...rest } = files;
    hub = await startFakeHub({ repo: REPO, files: { ...rest, 'onnx/model_quantized.onnx': onnx as Buffer } });

    const sut = await pull({ quantized: true });

    expect(sut.manifest.source).toMatchObject({ file: 'onnx/model_quantized.onnx', selection: 'onnx/model_quantized.onnx (int8)' });
    expect(sut.manifest.files.find((f) => f.role === 'model')?.path).toBe('build/test-org--tiny-bert/onnx/model_quantized.onnx');
  });

  it('offline, only verifies what is installed and names a missing or changed file', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    await pull();
    const before = hub.requests.length;
    const { events, progress } = recordingProgress();

    const sut = await pull({ offline: true, progress });

    expect(hub.requests.length).toBe(before);
    expect(sut.downloaded).toEqual([]);
    expect(events).toContain('verified build/test-org--tiny-bert/onnx/model.onnx');
    writeFileSync(join(modelDir, 'build/test-org--tiny-bert/tokenizer.json'), '{}');
    await expect(pull({ offline: true })).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: expect.stringMatching(/^offline: build\/test-org--tiny-bert\/tokenizer\.json of test-org\/tiny-bert has sha256 [0-9a-f]{64} but its manifest expects/),
    });
    writeFileSync(join(modelDir, 'build/test-org--tiny-bert/tokenizer.json'), files['tokenizer.json'] as Buffer);
    rmSync(join(modelDir, 'build/test-org--tiny-bert/onnx/model.onnx'));
    await expect(pull({ offline: true })).rejects.toMatchObject({ message: expect.stringContaining('onnx/model.onnx of test-org/tiny-bert is missing') });
    expect(hub.requests.length).toBe(before);
  });

  it('offline, refuses a model that was never pulled', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    await expect(pull({ offline: true })).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition, message: expect.stringContaining('has never been pulled') });
    expect(hub.requests).toEqual([]);
  });

  it('refuses a redirect to a private address unless loopback is allowed (tests only)', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    const client = new HubClient({ endpoint: hub.endpoint });

    await expect(pullHubModel({ repo: REPO, modelDir, client })).rejects.toMatchObject({
      message: expect.stringMatching(/redirected to .*127\.0\.0\.1.*refused|not https; refused/),
    });
    expect(hub.requests.filter((r) => r.host === 'cdn')).toEqual([]);
  });

  it('rejects a repository id that is not owner/name', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    for (const repo of ['tiny-bert', '../etc/passwd', 'a/b/c', '']) {
      await expect(pull({ repo })).rejects.toMatchObject({ code: ErrorCode.InvalidArgument });
    }
  });
});
