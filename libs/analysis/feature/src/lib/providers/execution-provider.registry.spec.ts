import { ErrorCode } from '@autoglm/shared-errors';
import { BUILTIN_EXECUTION_PROVIDERS, CPU_PROVIDER, CUDA_PROVIDER } from './builtin-execution-providers';
import type { ExecutionProvider, ProviderEnvironment } from './execution-provider';
import { EXECUTION_PROVIDER_PREFERENCE, ExecutionProviderRegistry } from './execution-provider.registry';

/** This machine as onnxruntime-node 1.30 on Linux x64 without the CUDA libraries reports it. */
const linuxCpuOnly = (over: Partial<ProviderEnvironment> = {}): ProviderEnvironment => ({
  platform: 'linux',
  arch: 'x64',
  cores: 8,
  backends: [
    { name: 'cpu', bundled: true },
    { name: 'webgpu', bundled: true },
    { name: 'cuda', bundled: false },
    { name: 'tensorrt', bundled: false },
  ],
  nativeFiles: ['libonnxruntime.so.1', 'onnxruntime_binding.node'],
  ...over,
});

const quietLogger = () => ({ warn: jest.fn(), log: jest.fn() });

describe(ExecutionProviderRegistry.name, () => {
  const sut = new ExecutionProviderRegistry(BUILTIN_EXECUTION_PROVIDERS);

  it('registers CPU, CUDA, TensorRT, WebGPU and the NPU providers', () => {
    expect(sut.list().map((p) => `${p.name}/${p.ortName}/${p.kind}`)).toEqual([
      'cpu/cpu/cpu',
      'cuda/cuda/gpu',
      'tensorrt/tensorrt/gpu',
      'webgpu/webgpu/gpu',
      'cann/cann/npu',
      'qnn/qnn/npu',
      'coreml/coreml/npu',
      'directml/dml/npu',
      'openvino/openvino/npu',
    ]);
  });

  it('refuses a registry without cpu or with a provider registered twice', () => {
    expect(() => new ExecutionProviderRegistry([CUDA_PROVIDER])).toThrow(/cpu execution provider must be registered/);
    expect(() => new ExecutionProviderRegistry([CPU_PROVIDER, CPU_PROVIDER])).toThrow(/registered twice/);
  });

  it('tries the preference order, always ending with cpu, and refuses unknown names', () => {
    expect(sut.candidates(['cuda', 'cpu', 'webgpu', 'cuda']).map((p) => p.name)).toEqual(['cuda', 'webgpu', 'cpu']);
    expect(() => sut.candidates(['tpu'])).toThrow(expect.objectContaining({ code: ErrorCode.FailedPrecondition, message: expect.stringMatching(/unknown execution provider tpu/) }));
  });

  it('skips unavailable providers with their reason and opens the first available one', async () => {
    const opened: string[] = [];
    const logger = quietLogger();

    const selection = await sut.select(EXECUTION_PROVIDER_PREFERENCE, linuxCpuOnly(), async (p) => (opened.push(p.name), `session on ${p.name}`), logger);

    expect(opened).toEqual(['cpu']);
    expect(selection.opened).toBe('session on cpu');
    expect(selection.provider.name).toBe('cpu');
    expect(selection.attempts).toEqual([
      { provider: 'tensorrt', outcome: 'skipped', reason: expect.stringMatching(/not installed: libonnxruntime_providers_tensorrt\.so is missing/) },
      { provider: 'cuda', outcome: 'skipped', reason: expect.stringMatching(/not installed: libonnxruntime_providers_cuda\.so is missing/) },
      { provider: 'cann', outcome: 'skipped', reason: 'this onnxruntime-node build (linux/x64) does not include Huawei Ascend CANN' },
      { provider: 'qnn', outcome: 'skipped', reason: expect.stringMatching(/does not include Qualcomm QNN/) },
      { provider: 'coreml', outcome: 'skipped', reason: 'Apple Core ML (Neural Engine) runs only on macOS, not on Linux' },
      { provider: 'directml', outcome: 'skipped', reason: 'DirectML runs only on Windows, not on Linux' },
      { provider: 'openvino', outcome: 'skipped', reason: expect.stringMatching(/does not include Intel OpenVINO/) },
      { provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' },
    ]);
    expect(logger.warn).not.toHaveBeenCalled();
    expect(logger.log).toHaveBeenCalledTimes(8);
    expect(logger.log).toHaveBeenCalledWith(expect.stringMatching(/^execution provider cuda skipped: .*; trying the next one$/));
  });

  it('falls back when a provider is available but its session cannot be created', async () => {
    const env = linuxCpuOnly({ nativeFiles: ['libonnxruntime_providers_cuda.so'] });

    const logger = quietLogger();
    const selection = await sut.select(['cuda', 'webgpu'], env, async (p) => {
      if (p.name !== 'cpu') throw new Error(`${p.name} adapter not found\nnative stack`);
      return p.name;
    }, logger);

    expect(logger.warn).toHaveBeenCalledWith('execution provider cuda failed: the session could not be created: cuda adapter not found; trying the next one');
    expect(selection.attempts).toEqual([
      { provider: 'cuda', outcome: 'failed', reason: 'the session could not be created: cuda adapter not found' },
      { provider: 'webgpu', outcome: 'failed', reason: 'the session could not be created: webgpu adapter not found' },
      { provider: 'cpu', outcome: 'chosen', reason: 'bundled with onnxruntime-node' },
    ]);
    const cuda = selection.providers.find((p) => p.name === 'cuda');
    expect(cuda).toMatchObject({ available: false, bundled: false, chosen: false, preferenceRank: 1, reason: expect.stringMatching(/could not be created/) });
  });

  it('describes every registered provider: available, bundled, chosen and why', async () => {
    const env = linuxCpuOnly({ nativeFiles: ['libonnxruntime_providers_cuda.so'] });

    const selection = await sut.select(['cuda'], env, async (p) => p.name, quietLogger());

    expect(selection.provider.name).toBe('cuda');
    const byName = Object.fromEntries(selection.providers.map((p) => [p.name, p]));
    expect(byName['cuda']).toMatchObject({ available: true, bundled: false, chosen: true, preferenceRank: 1, reason: 'installed separately' });
    expect(byName['cpu']).toMatchObject({ available: true, bundled: true, chosen: false, preferenceRank: 2, reason: expect.stringMatching(/not tried, cuda comes first/) });
    expect(byName['webgpu']).toMatchObject({ available: true, bundled: true, chosen: false, preferenceRank: 0, reason: expect.stringMatching(/not in the preference order/) });
    expect(byName['coreml']).toMatchObject({ available: false, chosen: false, preferenceRank: 0 });
  });

  it('fails with FAILED_PRECONDITION listing every reason when nothing can load the model', async () => {
    const failing = sut.select(['webgpu'], linuxCpuOnly(), async () => {
      throw new Error('out of memory');
    }, quietLogger());

    await expect(failing).rejects.toMatchObject({
      code: ErrorCode.FailedPrecondition,
      message: 'no execution provider could load the model (webgpu: the session could not be created: out of memory; cpu: the session could not be created: out of memory)',
    });
  });

  it('accepts a plugin provider registered the same way as the built-in ones', async () => {
    const fake: ExecutionProvider = {
      name: 'fake-npu',
      ortName: 'fake',
      kind: 'npu',
      description: 'a test NPU',
      probe: () => ({ available: true, bundled: false, reason: 'present' }),
      sessionOptions: () => ({ executionProviders: ['fake'], graphOptimizationLevel: 'all' }),
    };
    const registry = new ExecutionProviderRegistry([...BUILTIN_EXECUTION_PROVIDERS, fake]);

    const selection = await registry.select(['fake-npu'], linuxCpuOnly(), async (p) => p.sessionOptions({ deviceId: 0, threads: 1 }), quietLogger());

    expect(selection.provider.name).toBe('fake-npu');
    expect(selection.opened.executionProviders).toEqual(['fake']);
  });
});
