import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The repository's models/ folder and build script, found above this file (sources or dist/). */
export function repositoryModelsDir(): { modelDir: string; buildScript: string } {
  let dir = __dirname;
  for (;;) {
    const script = join(dir, 'tools', 'scripts', 'build-embedding-model.js');
    if (existsSync(script)) return { modelDir: join(dir, 'models'), buildScript: script };
    const parent = dirname(dir);
    if (parent === dir) throw new Error('tools/scripts/build-embedding-model.js not found above ' + __dirname);
    dir = parent;
  }
}

/**
 * Runs `npm run models:build`'s script (it returns at once when the files already match the
 * manifest) and returns the model directory. Used by tests and benchmarks.
 */
export function ensureModelBuilt(): string {
  const { modelDir, buildScript } = repositoryModelsDir();
  execFileSync(process.execPath, [buildScript], { stdio: ['ignore', 'ignore', 'inherit'] });
  return modelDir;
}
