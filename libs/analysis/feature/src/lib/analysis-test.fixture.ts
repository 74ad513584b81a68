import { Test, type TestingModule } from '@nestjs/testing';
import { defaultConfig, type AppConfig } from '@autoglm/shared-config';
import { AnalysisModule } from './analysis.module';
import { ensureModelBuilt } from './model/model-build';

/** The real analysis module (real model, fastText, jieba) for tests, without starting a server. */
export async function createAnalysisTestingModule(overrides: Partial<AppConfig['analysis']> = {}): Promise<TestingModule> {
  const config = defaultConfig();
  config.analysis = { ...config.analysis, modelDir: ensureModelBuilt(), ...overrides };
  return Test.createTestingModule({ imports: [AnalysisModule.forRoot(config)] }).compile();
}
