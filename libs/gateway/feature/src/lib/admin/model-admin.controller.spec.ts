import { analysis, type storage } from '@autoglm/contracts';
import { ErrorCode } from '@autoglm/shared-errors';
import { RemoteCallError } from '@autoglm/shared-grpc';
import { generateApiKey, hashApiKey } from '../auth/api-key';
import { send, startTestGateway, type TestGateway } from '../testing/gateway-test-app';
import { ModelAdminController } from './model-admin.controller';

const ADMIN: storage.User = { id: '22222222-2222-4222-8222-222222222222', name: 'root', isAdmin: true, createdAt: undefined };
const READER: storage.User = { id: '11111111-1111-4111-8111-111111111111', name: 'alice', isAdmin: false, createdAt: undefined };

function aPullJob(overrides: Partial<analysis.PullJob> = {}): analysis.PullJob {
  return {
    id: 'job-1',
    repoId: 'Xenova/all-MiniLM-L6-v2',
    revision: 'main',
    state: analysis.PullJobState.PULL_JOB_STATE_RUNNING,
    bytesDone: '1024',
    bytesTotal: '4096',
    currentFile: 'onnx/model.onnx',
    error: '',
    modelName: '',
    startedAtMs: String(Date.parse('2026-11-25T10:00:00.000Z')),
    finishedAtMs: '0',
    ...overrides,
  };
}

describe(ModelAdminController.name, () => {
  let sut: TestGateway;
  const adminKey = generateApiKey().key;
  const readerKey = generateApiKey().key;
  const asAdmin = { authorization: `Bearer ${adminKey}` };

  beforeEach(async () => {
    sut = await startTestGateway();
    const users = new Map([
      [hashApiKey(adminKey), ADMIN],
      [hashApiKey(readerKey), READER],
    ]);
    sut.backends.storage.authenticateApiKey.answers((request) => {
      const user = users.get(request.keyHash);
      return user ? Promise.resolve({ user, apiKeyId: 'key-1' }) : Promise.reject(new RemoteCallError(ErrorCode.Unauthenticated, 'unknown key', 16, 'x'));
    });
  });

  afterEach(() => sut.close());

  it('starts a pull: 202 with the job, passing repo id, revision and quantized on', async () => {
    sut.backends.analysis.pullModel.returns({ job: aPullJob(), created: true });

    const answer = await send(sut, 'POST', '/api/v1/admin/models/pull', { repoId: 'Xenova/all-MiniLM-L6-v2', revision: 'v2' }, asAdmin);

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({
      id: 'job-1',
      repoId: 'Xenova/all-MiniLM-L6-v2',
      revision: 'main',
      state: 'running',
      bytesDone: 1024,
      bytesTotal: 4096,
      currentFile: 'onnx/model.onnx',
      error: null,
      modelName: null,
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: null,
      created: true,
    });
    expect(sut.backends.analysis.pullModel.requests).toEqual([{ repoId: 'Xenova/all-MiniLM-L6-v2', revision: 'v2', quantized: false }]);
  });

  it('answers 400 for a body without a repo id, and for a repo id the analysis service refuses', async () => {
    expect((await send(sut, 'POST', '/api/v1/admin/models/pull', { revision: 'main' }, asAdmin)).status).toBe(400);
    expect((await send(sut, 'POST', '/api/v1/admin/models/pull', { repoId: 'x/y', extra: 1 }, asAdmin)).status).toBe(400);
    sut.backends.analysis.pullModel.fails(new RemoteCallError(ErrorCode.InvalidArgument, '"not a repo" is not a hub repository id (owner/name)', 3, 'x'));

    const answer = await send(sut, 'POST', '/api/v1/admin/models/pull', { repoId: 'not a repo' }, asAdmin);

    expect(answer.status).toBe(400);
    expect(answer.text).toContain('is not a hub repository id (owner/name)');
  });

  it('shows a failed job with its message, and 404 for an unknown job', async () => {
    sut.backends.analysis.getPullJob.answers(({ jobId }) =>
      jobId === 'job-1'
        ? Promise.resolve({
            job: aPullJob({
              state: analysis.PullJobState.PULL_JOB_STATE_FAILED,
              currentFile: '',
              error: 'cannot reach https://huggingface.co: getaddrinfo ENOTFOUND huggingface.co',
              finishedAtMs: String(Date.parse('2026-11-25T10:00:03.000Z')),
            }),
          })
        : Promise.reject(new RemoteCallError(ErrorCode.NotFound, `pull job ${jobId} not found`, 5, 'x')),
    );

    const failed = await send(sut, 'GET', '/api/v1/admin/models/pull/job-1', undefined, asAdmin);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ state: 'failed', error: expect.stringContaining('cannot reach'), currentFile: null, finishedAt: '2026-11-25T10:00:03.000Z' });
    expect((await send(sut, 'GET', '/api/v1/admin/models/pull/nope', undefined, asAdmin)).status).toBe(404);
  });

  it('lists the installed models', async () => {
    sut.backends.analysis.listModels.returns({
      models: [
        { name: 'broken', version: '', dimension: 0, license: '', source: '', tokenizer: '', pooling: '', maxTokens: 0, isDefault: false, problem: 'manifest is not valid JSON' },
        { name: 'wink-sg100d', version: '1.0.0', dimension: 100, license: 'MIT', source: 'wink', tokenizer: 'unicode-words', pooling: 'weighted-mean', maxTokens: 512, isDefault: true, problem: '' },
      ],
    });

    const answer = await send(sut, 'GET', '/api/v1/admin/models', undefined, asAdmin);

    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      items: [
        { name: 'broken', version: null, dimension: 0, license: null, source: null, tokenizer: null, pooling: null, maxTokens: 0, isDefault: false, problem: 'manifest is not valid JSON' },
        { name: 'wink-sg100d', version: '1.0.0', dimension: 100, license: 'MIT', source: 'wink', tokenizer: 'unicode-words', pooling: 'weighted-mean', maxTokens: 512, isDefault: true, problem: null },
      ],
    });
  });

  it('is for administrators only (the /api/v1/admin guard)', async () => {
    sut.backends.analysis.listModels.returns({ models: [] });
    expect((await send(sut, 'GET', '/api/v1/admin/models')).status).toBe(401);
    expect((await send(sut, 'GET', '/api/v1/admin/models', undefined, { authorization: `Bearer ${readerKey}` })).status).toBe(403);
    expect(sut.backends.analysis.listModels.requests).toEqual([]);
  });
});
