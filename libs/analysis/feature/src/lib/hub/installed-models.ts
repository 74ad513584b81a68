import { isDomainError } from '@autoglm/shared-errors';
import { defaultModelName, installedModelNames, readModelManifest } from '../model/model-loader';

/** An installed model as the admin API lists it: its manifest in brief, or why the manifest cannot be used. */
export interface InstalledModelSummary {
  name: string;
  version: string;
  dimension: number;
  license: string;
  source: string;
  tokenizer: string;
  pooling: string;
  maxTokens: number;
  isDefault: boolean;
  /** Empty when the manifest is valid. */
  problem: string;
}

/** Every model in the models directory, by name; files are not checksummed here (loading does that). */
export function installedModels(modelDir: string, preference: readonly string[] = []): InstalledModelSummary[] {
  let fallback = '';
  try {
    fallback = defaultModelName(modelDir, preference);
  } catch {
    // An empty models/default marker: no model is the default until it is fixed.
  }
  return installedModelNames(modelDir).map((name) => {
    const base = { name, isDefault: name === fallback };
    try {
      const m = readModelManifest(modelDir, name);
      return {
        ...base,
        version: m.version,
        dimension: m.dimension,
        license: m.license.spdx,
        source: m.source.repository || m.source.package,
        tokenizer: m.tokenizer.kind,
        pooling: m.pooling,
        maxTokens: m.maxTokens,
        problem: '',
      };
    } catch (error) {
      const problem = isDomainError(error) ? error.message : `the manifest cannot be read: ${(error as Error).message}`;
      return { ...base, version: '', dimension: 0, license: '', source: '', tokenizer: '', pooling: '', maxTokens: 0, problem };
    }
  });
}
