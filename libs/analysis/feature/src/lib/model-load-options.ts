import type { AppConfig } from '@autoglm/shared-config';
import type { LoadModelOptions } from './model/model-loader';

/** The provider preference, session pool size (0 = the loader's default) and embedding model preference of the analysis config. */
export function modelLoadOptions(config: AppConfig): Pick<LoadModelOptions, 'executionProviders' | 'sessionPoolSize' | 'preference'> {
  const { executionProviders, sessionPoolSize, embeddingModels } = config.analysis;
  return { executionProviders, sessionPoolSize: sessionPoolSize > 0 ? sessionPoolSize : undefined, preference: embeddingModels };
}
