import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@autoglm/shared-testing';

/**
 * The model files missing or corrupt when the analysis service starts (a real process, from its
 * sources): it exits 1 at start-up with a message that names what is wrong and how to fix it,
 * instead of starting without a model or failing every job later.
 */
const ROOT = join(__dirname, '..', '..', '..');
const MODELS = join(ROOT, 'models');
const NAMES = ['use-lite-en', 'use-lite-en-int8', 'wink-sg100d'];

/** A model directory with every manifest; `build` decides what each built file is. */
function modelDir(dir: string, build: (name: string, file: string, target: string) => void): string {
  const root = join(dir, 'models');
  for (const name of NAMES) {
    mkdirSync(join(root, name), { recursive: true });
    cpSync(join(MODELS, name, 'manifest.json'), join(root, name, 'manifest.json'));
    mkdirSync(join(root, 'build', name), { recursive: true });
    for (const file of ['model.onnx', 'vocab.json']) build(name, file, join(root, 'build', name, file));
  }
  return root;
}

async function startAnalysis(modelDir: string): Promise<{ code: number | null; output: string }> {
  const env = {
    ...process.env,
    NO_COLOR: '1',
    MODEL_DIR: modelDir,
    EMBEDDING_MODELS: 'use-lite-en',
    REDIS_URL: 'redis://127.0.0.1:6379/0',
    GRPC_AUTH_TOKEN: 'x'.repeat(48),
    GRPC_ANALYSIS_URL: `127.0.0.1:${await freePort()}`,
    AUTOGLM_CONFIG: join(modelDir, '..', 'config.yaml'),
  };
  writeFileSync(env.AUTOGLM_CONFIG, 'sources: []\n');
  const child = spawn(process.execPath, ['-r', join(ROOT, 'tools', 'scripts', 'register-ts-source.js'), join(ROOT, 'apps', 'analysis', 'src', 'main.ts')], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const killer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(killer);
  return { code, output };
}

describe('model files missing or corrupt at start-up', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'autoglm-model-faults-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 1 naming the missing file and how to build it', async () => {
    const models = modelDir(dir, () => undefined);
    const { code, output } = await startAnalysis(models);
    expect(code).toBe(1);
    expect(output).not.toMatch(/gRPC analysis listening/);
    expect(output).toMatch(/model file \S*build\/use-lite-en\/model\.onnx of use-lite-en is missing; run `npm run models:build` to build it/);
  }, 180_000);

  it('exits 1 naming the corrupt file and its checksum mismatch', async () => {
    const models = modelDir(dir, (name, file, target) => {
      if (name === 'use-lite-en' && file === 'model.onnx') writeFileSync(target, Buffer.from('not an onnx graph'));
      else symlinkSync(join(MODELS, 'build', name, file), target);
    });
    const { code, output } = await startAnalysis(models);
    expect(code).toBe(1);
    expect(output).toMatch(/model file \S*build\/use-lite-en\/model\.onnx of use-lite-en has sha256 [0-9a-f]{64} but its manifest expects [0-9a-f]{64} \(corrupt or stale\)/);
  }, 180_000);
});
