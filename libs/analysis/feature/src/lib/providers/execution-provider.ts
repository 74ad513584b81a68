/** What kind of hardware an execution provider drives. */
export type ProviderKind = 'cpu' | 'gpu' | 'npu';

/** A backend as onnxruntime-node's listSupportedBackends() reports it. */
export interface SupportedBackend {
  name: string;
  /** True when its binaries ship inside the npm package; false when they are installed separately. */
  bundled: boolean;
}

/** What start-up learnt about the machine and the installed onnxruntime-node (asked in the worker). */
export interface ProviderEnvironment {
  platform: NodeJS.Platform;
  arch: string;
  cores: number;
  backends: readonly SupportedBackend[];
  /** Files next to the onnxruntime-node binding (provider shared libraries live there). */
  nativeFiles: readonly string[];
}

export interface ProviderProbe {
  available: boolean;
  bundled: boolean;
  /** Why it is unavailable, or what it runs on. */
  reason: string;
}

/** Per-session choices the pool makes for every provider. */
export interface ProviderSessionSettings {
  deviceId: number;
  /** Intra-op threads of one session (cores shared among the pool's sessions). */
  threads: number;
}

/** An execution-provider entry of ONNX Runtime's session options (structured-clone safe). */
export type ExecutionProviderConfig = string | ({ name: string } & Record<string, string | number | boolean>);

/** The subset of InferenceSession.SessionOptions the providers set; sent to the worker as is. */
export interface OrtSessionOptions {
  executionProviders: ExecutionProviderConfig[];
  graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  intraOpNumThreads?: number;
  interOpNumThreads?: number;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  executionMode?: 'sequential' | 'parallel';
}

/**
 * An execution provider as a plugin: how to tell whether this machine and this onnxruntime-node
 * build can use it, and the session options it wants.
 */
export interface ExecutionProvider {
  /** Registry name, used in the preference order and in GetModelInfo. */
  readonly name: string;
  /** The name onnxruntime knows it by (listSupportedBackends, executionProviders). */
  readonly ortName: string;
  readonly kind: ProviderKind;
  readonly description: string;
  probe(environment: ProviderEnvironment): ProviderProbe;
  sessionOptions(settings: ProviderSessionSettings): OrtSessionOptions;
}
