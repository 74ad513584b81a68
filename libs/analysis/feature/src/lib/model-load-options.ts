import type { AppConfig } from '@autoglm/shared-config';
import type { LoadModelOptions } from './model/model-loader';

/** The provider preference and session pool size of the analysis config (pool size 0 = the loader's default). */
export function modelLoadOptions(config: AppConfig): Pick<LoadModelOptions, 'executionProviders' | 'sessionPoolSize'> {
  const { executionProviders, sessionPoolSize } = config.analysis;
  return { executionProviders, sessionPoolSize: sessionPoolSize > 0 ? sessionPoolSize : undefined };
}
