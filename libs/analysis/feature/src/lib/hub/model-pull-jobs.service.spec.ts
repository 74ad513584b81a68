import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { ErrorCode } from '@autoglm/shared-errors';
import { HubClient } from './hub-client';
import { startFakeHub, tinyRepoFiles, type FakeHub } from './hub-test.fixture';
import { installedModels } from './installed-models';
import { ModelPullJobs } from './model-pull-jobs.service';

const REPO = 'test-org/tiny-bert';

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}

describe(ModelPullJobs.name, () => {
  let hub: FakeHub | undefined;
  let modelDir: string;
  let now: number;
  const files = tinyRepoFiles();
  const totalBytes = ['config.json', 'tokenizer.json', 'modules.json', '1_Pooling/config.json', 'onnx/model.onnx']
    .map((f) => files[f]?.length ?? 0)
    .reduce((a, b) => a + b, 0);

  const createSut = (endpoint: string) => {
    const config: AppConfig = defaultConfig();
    config.analysis = { ...config.analysis, modelDir, hubEndpoint: endpoint };
    return new ModelPullJobs(config, (url) => new HubClient({ endpoint: url, allowLoopbackRedirects: true }), { now: () => now });
  };

  beforeEach(() => {
    modelDir = mkdtempSync(join(tmpdir(), 'autoglm-pull-jobs-'));
    now = Date.parse('2026-11-25T10:00:00Z');
  });

  afterEach(async () => {
    await hub?.close();
    hub = undefined;
    rmSync(modelDir, { recursive: true, force: true });
  });

  it('pulls in the background, answers a second pull of the same repository with the running job, and reports bytes', async () => {
    hub = await startFakeHub({ repo: REPO, files });
    const sut = createSut(hub.endpoint);

    const first = sut.start({ repoId: REPO });
    const second = sut.start({ repoId: REPO, revision: 'main' });
    expect(first).toMatchObject({ created: true, job: { repoId: REPO, revision: 'main', state: 'running', startedAt: now, finishedAt: 0 } });
    expect(second).toEqual({ created: false, job: expect.objectContaining({ id: first.job.id }) });

    now += 1_500;
    await sut.idle();
    const job = sut.get(first.job.id);
    expect(job).toMatchObject({ state: 'succeeded', modelName: 'test-org--tiny-bert', error: '', currentFile: '', finishedAt: now });
    expect(job.bytesDone).toBe(totalBytes);
    expect(job.bytesTotal).toBe(totalBytes);
    expect(existsSync(join(modelDir, 'test-org--tiny-bert', 'manifest.json'))).toBe(true);
    // A broken manifest next to it is listed with its problem.
    mkdirSync(join(modelDir, 'broken'));
    writeFileSync(join(modelDir, 'broken', 'manifest.json'), '{ not json');
    expect(installedModels(modelDir)).toEqual([
      expect.objectContaining({ name: 'broken', version: '', dimension: 0, problem: expect.stringMatching(/manifest\.json is not valid JSON/) }),
      {
        name: 'test-org--tiny-bert',
        version: 'c0ffee012345',
        dimension: 4,
        license: 'apache-2.0',
        source: `${hub.endpoint}/test-org/tiny-bert`,
        tokenizer: 'wordpiece',
        pooling: 'mean',
        maxTokens: 16,
        isDefault: false,
        problem: '',
      },
    ]);

    // Finished: the next pull is a new job.
    expect(sut.start({ repoId: REPO }).created).toBe(true);
    await sut.idle();
  });

  it.each([
    ['no owner', 'tiny-bert', 'main', /"tiny-bert" is not a hub repository id \(owner\/name\)/],
    ['a path', '../etc/passwd', 'main', /is not a hub repository id/],
    ['a revision climbing out', REPO, '../main', /"..\/main" is not a revision/],
  ])('refuses %s at once with INVALID_ARGUMENT', (_case, repoId, revision, message) => {
    const sut = createSut('http://127.0.0.1:9');
    expect(() => sut.start({ repoId, revision })).toThrow(expect.objectContaining({ code: ErrorCode.InvalidArgument, message: expect.stringMatching(message) }));
  });

  it('fails the job with a message when the hub cannot be reached', async () => {
    const sut = createSut(`http://127.0.0.1:${await closedPort()}`);
    const { job } = sut.start({ repoId: REPO });
    await sut.idle();
    expect(sut.get(job.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/^cannot reach http:\/\/127\.0\.0\.1:\d+: .*ECONNREFUSED/), modelName: '' });
  });

  it('fails the job naming the missing file when the repository has no ONNX export', async () => {
    const { 'onnx/model.onnx': _model, ...withoutModel } = files;
    hub = await startFakeHub({ repo: REPO, files: withoutModel });
    const sut = createSut(hub.endpoint);
    const { job } = sut.start({ repoId: REPO });
    await sut.idle();
    expect(sut.get(job.id)).toMatchObject({ state: 'failed', error: expect.stringContaining('onnx/model.onnx was not found in test-org/tiny-bert@main') });
  });

  it('answers NOT_FOUND for an unknown job id', () => {
    expect(() => createSut('http://127.0.0.1:9').get('nope')).toThrow(expect.objectContaining({ code: ErrorCode.NotFound, message: 'pull job nope not found' }));
  });
});
