import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
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

let wordModelDefaultDir: string | undefined;

/**
 * A models directory whose default model is the word-vector model wink-sg100d: links to the
 * repository's built models plus a `default` marker naming it (one per process, removed at exit).
 * For tests written against wink-sg100d's numbers; the shipped default is use-lite-en.
 */
export function ensureWordModelDefaultDir(): string {
  if (wordModelDefaultDir && existsSync(wordModelDefaultDir)) return wordModelDefaultDir;
  const modelDir = ensureModelBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-word-default-'));
  for (const entry of readdirSync(modelDir)) if (entry !== 'default') symlinkSync(join(modelDir, entry), join(dir, entry));
  writeFileSync(join(dir, 'default'), 'wink-sg100d\n');
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  wordModelDefaultDir = dir;
  return dir;
}
