import { ErrorCode } from '@autoglm/shared-errors';
import { BUILTIN_EXECUTION_PROVIDERS } from '../providers/builtin-execution-providers';
import type { OrtSessionOptions } from '../providers/execution-provider';
import { EXECUTION_PROVIDER_PREFERENCE, ExecutionProviderRegistry } from '../providers/execution-provider.registry';
import type { ModelRunOutput, ModelRunRequest, SessionHost } from './onnx-session';
import { defaultSessionPoolSize, openSessionPool, SessionPool } from './session-pool';

/** A session host stand-in: records what it was opened with; fails to open on the listed providers. */
class FakeHost implements SessionHost {
  static all: FakeHost[] = [];
  opened: OrtSessionOptions[] = [];
  runs = 0;
  released = false;
  gate: Promise<void> = Promise.resolve();

  constructor(
    readonly id: number,
    private readonly failOn: readonly string[] = [],
  ) {
    FakeHost.all.push(this);
  }

  async environment() {
    return {
      platform: 'linux' as const,
      arch: 'x64',
      backends: [
        { name: 'cpu', bundled: true },
        { name: 'webgpu', bundled: true },
        { name: 'cuda', bundled: false },
      ],
      nativeFiles: ['libonnxruntime_providers_cuda.so'],
    };
  }

  async open(_model: Uint8Array, options: OrtSessionOptions): Promise<void> {
    const entry = options.executionProviders[0];
    const name = typeof entry === 'string' ? entry : entry?.name;
    if (this.failOn.includes(name as string)) throw new Error(`${name}: no device`);
    this.opened.push(options);
  }

  async run(request: ModelRunRequest): Promise<ModelRunOutput> {
    this.runs++;
    await this.gate;
    const batch = request.feeds['input_ids']?.dims[0] ?? 0;
    return { data: new Float32Array(batch).fill(this.id), dims: [batch, 1] };
  }

  async release(): Promise<void> {
    this.released = true;
  }
}

const quietLogger = () => ({ warn: jest.fn(), log: jest.fn(), error: jest.fn() }) as never;
const registry = new ExecutionProviderRegistry(BUILTIN_EXECUTION_PROVIDERS);
const run = (pool: SessionPool) =>
  pool.run({ feeds: { input_ids: { type: 'int64', data: new BigInt64Array(1), dims: [1, 1] } }, output: 'embedding' });

describe(SessionPool.name, () => {
  beforeEach(() => (FakeHost.all = []));

  it('sizes the pool min(2, cores)', () => {
    expect([1, 2, 16].map(defaultSessionPoolSize)).toEqual([1, 2, 2]);
  });

  it('chooses the provider on the first host, then opens the others on it with the pool share of threads', async () => {
    let n = 0;
    const sut = await openSessionPool(new Uint8Array([1]), {
      registry,
      preference: ['cuda', 'cpu'],
      size: 2,
      cores: 8,
      spawn: () => new FakeHost(n++, ['cuda']),
      logger: quietLogger(),
    });

    expect(sut.size).toBe(2);
    expect(sut.executionProvider).toBe('cpu');
    expect(sut.choice.attempts.map((a) => `${a.provider}:${a.outcome}`)).toEqual(['cuda:failed', 'cpu:chosen']);
    expect(FakeHost.all.map((h) => h.opened.map((o) => o.intraOpNumThreads))).toEqual([[4], [4]]);
  });

  it('dispatches each run to a free session and queues runs when all are busy', async () => {
    let n = 0;
    const sut = await openSessionPool(new Uint8Array([1]), {
      registry,
      preference: EXECUTION_PROVIDER_PREFERENCE,
      size: 2,
      cores: 2,
      spawn: () => new FakeHost(n++),
      logger: quietLogger(),
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    for (const h of FakeHost.all) h.gate = gate;

    const results = [run(sut), run(sut), run(sut)];
    await Promise.resolve();
    expect(sut.free).toBe(0);
    expect(FakeHost.all.map((h) => h.runs)).toEqual([1, 1]);

    release();
    const ids = (await Promise.all(results)).map((r) => r.data[0]);
    expect(ids.slice(0, 2).sort()).toEqual([0, 1]);
    expect(FakeHost.all.reduce((s, h) => s + h.runs, 0)).toBe(3);
    expect(sut.free).toBe(2);
  });

  it('keeps the sessions that opened when a later host fails', async () => {
    let n = 0;
    const logger = quietLogger() as unknown as { warn: jest.Mock };
    const sut = await openSessionPool(new Uint8Array([1]), {
      registry,
      preference: ['cpu'],
      size: 2,
      cores: 2,
      spawn: () => new FakeHost(n, n++ === 1 ? ['cpu'] : []),
      logger: logger as never,
    });

    expect(sut.size).toBe(1);
    expect(FakeHost.all[1]?.released).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith(expect.stringMatching(/session 2 of 2 on cpu failed to open \(cpu: no device\)/));
  });

  it('releases every host and fails with FAILED_PRECONDITION when no provider opens', async () => {
    const failing = openSessionPool(new Uint8Array([1]), {
      registry,
      preference: ['cpu'],
      size: 2,
      cores: 2,
      spawn: () => new FakeHost(0, ['cpu']),
      logger: quietLogger(),
    });

    await expect(failing).rejects.toMatchObject({ code: ErrorCode.FailedPrecondition });
    expect(FakeHost.all.every((h) => h.released)).toBe(true);
  });

  it('refuses runs after release with UNAVAILABLE', async () => {
    const sut = new SessionPool([new FakeHost(0)], { provider: 'cpu', attempts: [], providers: [] });
    await sut.release();
    await expect(run(sut)).rejects.toMatchObject({ code: ErrorCode.Unavailable });
    expect(() => new SessionPool([], { provider: 'cpu', attempts: [], providers: [] })).toThrow(RangeError);
  });
});
