import { Test, type TestingModule } from '@nestjs/testing';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { AnalysisModule } from './analysis.module';
import { ensureWordModelDefaultDir } from './model/model-build';

/**
 * The real analysis module (real models, fastText, jieba) for tests, without starting a server. Its
 * default model is wink-sg100d, which these specs' numbers were written for (use-lite-en, the
 * shipped default, has its own spec and runs in the end-to-end tests).
 */
export async function createAnalysisTestingModule(overrides: Partial<AppConfig['analysis']> = {}): Promise<TestingModule> {
  const config = defaultConfig();
  config.analysis = { ...config.analysis, modelDir: ensureWordModelDefaultDir(), ...overrides };
  return Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] }).compile();
}
