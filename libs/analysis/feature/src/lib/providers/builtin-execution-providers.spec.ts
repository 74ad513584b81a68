import {
  COREML_PROVIDER,
  CPU_PROVIDER,
  CUDA_PROVIDER,
  DIRECTML_PROVIDER,
  probeOnnxProvider,
  TENSORRT_PROVIDER,
  WEBGPU_PROVIDER,
} from './builtin-execution-providers';
import type { ProviderEnvironment } from './execution-provider';

const env = (over: Partial<ProviderEnvironment>): ProviderEnvironment => ({
  platform: 'linux',
  arch: 'x64',
  cores: 4,
  backends: [{ name: 'cpu', bundled: true }],
  nativeFiles: [],
  ...over,
});

describe(probeOnnxProvider.name, () => {
  it('finds a bundled provider available', () => {
    expect(WEBGPU_PROVIDER.probe(env({ backends: [{ name: 'webgpu', bundled: true }] }))).toEqual({
      available: true,
      bundled: true,
      reason: 'bundled with onnxruntime-node',
    });
  });

  it('needs the shared library of a provider the build supports but does not bundle', () => {
    const backends = [{ name: 'cuda', bundled: false }];
    expect(CUDA_PROVIDER.probe(env({ backends }))).toMatchObject({ available: false, bundled: false, reason: expect.stringMatching(/libonnxruntime_providers_cuda\.so is missing/) });
    expect(CUDA_PROVIDER.probe(env({ backends, nativeFiles: ['libonnxruntime_providers_cuda.so'] }))).toEqual({
      available: true,
      bundled: false,
      reason: 'installed separately',
    });
    expect(CUDA_PROVIDER.probe(env({ platform: 'win32', backends, nativeFiles: ['onnxruntime_providers_cuda.dll'] })).available).toBe(true);
  });

  it('refuses a provider this build does not list, or one for another platform', () => {
    expect(TENSORRT_PROVIDER.probe(env({}))).toMatchObject({ available: false, reason: 'this onnxruntime-node build (linux/x64) does not include NVIDIA TensorRT' });
    expect(COREML_PROVIDER.probe(env({ backends: [{ name: 'coreml', bundled: true }] }))).toMatchObject({
      available: false,
      reason: 'Apple Core ML (Neural Engine) runs only on macOS, not on Linux',
    });
    expect(COREML_PROVIDER.probe(env({ platform: 'darwin', arch: 'arm64', backends: [{ name: 'coreml', bundled: true }] })).available).toBe(true);
    expect(DIRECTML_PROVIDER.probe(env({ platform: 'win32', backends: [{ name: 'dml', bundled: true }] })).available).toBe(true);
  });
});

describe('built-in session options', () => {
  it('gives the CPU provider an arena, full optimisation and the pool share of threads', () => {
    expect(CPU_PROVIDER.sessionOptions({ deviceId: 0, threads: 3 })).toEqual({
      executionProviders: [{ name: 'cpu', useArena: true }],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: 3,
      interOpNumThreads: 1,
      enableCpuMemArena: true,
      enableMemPattern: true,
      executionMode: 'sequential',
    });
  });

  it('passes the device id to GPU providers and turns off what DirectML cannot do', () => {
    expect(CUDA_PROVIDER.sessionOptions({ deviceId: 1, threads: 2 }).executionProviders).toEqual([{ name: 'cuda', deviceId: 1 }]);
    expect(TENSORRT_PROVIDER.sessionOptions({ deviceId: 0, threads: 2 }).executionProviders).toEqual([{ name: 'tensorrt', deviceId: 0 }]);
    expect(DIRECTML_PROVIDER.sessionOptions({ deviceId: 0, threads: 2 })).toMatchObject({
      executionProviders: [{ name: 'dml', deviceId: 0 }],
      enableMemPattern: false,
      executionMode: 'sequential',
    });
  });
});
