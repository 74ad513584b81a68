import type {
  ExecutionProvider,
  ExecutionProviderConfig,
  OrtSessionOptions,
  ProviderEnvironment,
  ProviderKind,
  ProviderProbe,
  ProviderSessionSettings,
} from './execution-provider';

const PLATFORM_NAMES: Partial<Record<NodeJS.Platform, string>> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const platformName = (p: NodeJS.Platform) => PLATFORM_NAMES[p] ?? p;

interface OnnxProviderSpec {
  name: string;
  ortName: string;
  kind: ProviderKind;
  description: string;
  /** Platforms onnxruntime ships this provider for. */
  platforms: readonly NodeJS.Platform[];
  /** Shared library a non-bundled provider needs next to the binding, per platform. */
  libraries?: Partial<Record<NodeJS.Platform, string>>;
  /** The executionProviders entry (device id and provider-specific options). */
  entry(settings: ProviderSessionSettings): ExecutionProviderConfig;
  /** Session options that differ from the accelerator defaults. */
  options?: Partial<OrtSessionOptions>;
}

/**
 * The availability probe every built-in provider shares: the platform must be one it ships for,
 * this onnxruntime-node build must list it (listSupportedBackends), and a provider that is not
 * bundled must have its shared library installed next to the binding.
 */
export function probeOnnxProvider(spec: Pick<OnnxProviderSpec, 'ortName' | 'description' | 'platforms' | 'libraries'>, env: ProviderEnvironment): ProviderProbe {
  const backend = env.backends.find((b) => b.name === spec.ortName);
  const bundled = backend?.bundled ?? false;
  if (!spec.platforms.includes(env.platform)) {
    return {
      available: false,
      bundled,
      reason: `${spec.description} runs only on ${spec.platforms.map(platformName).join(' or ')}, not on ${platformName(env.platform)}`,
    };
  }
  if (!backend) {
    return { available: false, bundled, reason: `this onnxruntime-node build (${env.platform}/${env.arch}) does not include ${spec.description}` };
  }
  if (!bundled) {
    const library = spec.libraries?.[env.platform];
    if (library && !env.nativeFiles.includes(library)) {
      return {
        available: false,
        bundled,
        reason: `${spec.description} is supported by this build but not installed: ${library} is missing next to the onnxruntime-node binding`,
      };
    }
  }
  return { available: true, bundled, reason: bundled ? 'bundled with onnxruntime-node' : 'installed separately' };
}

/** Accelerators: full graph optimisation; ONNX Runtime places unsupported nodes on the CPU provider itself. */
function onnxProvider(spec: OnnxProviderSpec): ExecutionProvider {
  return {
    name: spec.name,
    ortName: spec.ortName,
    kind: spec.kind,
    description: spec.description,
    probe: (env) => probeOnnxProvider(spec, env),
    sessionOptions: (settings) => ({
      executionProviders: [spec.entry(settings)],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: settings.threads,
      ...spec.options,
    }),
  };
}

const ALL_PLATFORMS: readonly NodeJS.Platform[] = ['linux', 'darwin', 'win32'];

export const CPU_PROVIDER = onnxProvider({
  name: 'cpu',
  ortName: 'cpu',
  kind: 'cpu',
  description: 'the CPU execution provider',
  platforms: ALL_PLATFORMS,
  entry: () => ({ name: 'cpu', useArena: true }),
  // The arena keeps activation buffers between runs; one inter-op thread per session (the pool parallelises).
  options: { enableCpuMemArena: true, enableMemPattern: true, executionMode: 'sequential', interOpNumThreads: 1 },
});

export const CUDA_PROVIDER = onnxProvider({
  name: 'cuda',
  ortName: 'cuda',
  kind: 'gpu',
  description: 'NVIDIA CUDA',
  platforms: ['linux', 'win32'],
  libraries: { linux: 'libonnxruntime_providers_cuda.so', win32: 'onnxruntime_providers_cuda.dll' },
  entry: ({ deviceId }) => ({ name: 'cuda', deviceId }),
});

export const TENSORRT_PROVIDER = onnxProvider({
  name: 'tensorrt',
  ortName: 'tensorrt',
  kind: 'gpu',
  description: 'NVIDIA TensorRT',
  platforms: ['linux', 'win32'],
  libraries: { linux: 'libonnxruntime_providers_tensorrt.so', win32: 'onnxruntime_providers_tensorrt.dll' },
  entry: ({ deviceId }) => ({ name: 'tensorrt', deviceId }),
});

export const WEBGPU_PROVIDER = onnxProvider({
  name: 'webgpu',
  ortName: 'webgpu',
  kind: 'gpu',
  description: 'WebGPU (Dawn)',
  platforms: ALL_PLATFORMS,
  entry: () => 'webgpu',
});

export const CANN_PROVIDER = onnxProvider({
  name: 'cann',
  ortName: 'cann',
  kind: 'npu',
  description: 'Huawei Ascend CANN',
  platforms: ['linux'],
  libraries: { linux: 'libonnxruntime_providers_cann.so' },
  entry: ({ deviceId }) => ({ name: 'cann', deviceId }),
});

export const QNN_PROVIDER = onnxProvider({
  name: 'qnn',
  ortName: 'qnn',
  kind: 'npu',
  description: 'Qualcomm QNN (Hexagon NPU)',
  platforms: ['win32', 'linux'],
  entry: () => ({ name: 'qnn', backendType: 'htp' }),
});

export const COREML_PROVIDER = onnxProvider({
  name: 'coreml',
  ortName: 'coreml',
  kind: 'npu',
  description: 'Apple Core ML (Neural Engine)',
  platforms: ['darwin'],
  entry: () => ({ name: 'coreml', coreMlFlags: 0 }),
});

export const DIRECTML_PROVIDER = onnxProvider({
  name: 'directml',
  ortName: 'dml',
  kind: 'npu',
  description: 'DirectML',
  platforms: ['win32'],
  entry: ({ deviceId }) => ({ name: 'dml', deviceId }),
  // DirectML supports neither memory patterns nor parallel execution.
  options: { enableMemPattern: false, executionMode: 'sequential' },
});

export const OPENVINO_PROVIDER = onnxProvider({
  name: 'openvino',
  ortName: 'openvino',
  kind: 'npu',
  description: 'Intel OpenVINO',
  platforms: ['linux', 'win32'],
  libraries: { linux: 'libonnxruntime_providers_openvino.so', win32: 'onnxruntime_providers_openvino.dll' },
  entry: () => 'openvino',
});

/** Every provider the service knows, registered the same way. */
export const BUILTIN_EXECUTION_PROVIDERS: readonly ExecutionProvider[] = [
  CPU_PROVIDER,
  CUDA_PROVIDER,
  TENSORRT_PROVIDER,
  WEBGPU_PROVIDER,
  CANN_PROVIDER,
  QNN_PROVIDER,
  COREML_PROVIDER,
  DIRECTML_PROVIDER,
  OPENVINO_PROVIDER,
];
