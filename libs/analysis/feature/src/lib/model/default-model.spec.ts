import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultConfig } from '@autoglm/shared-config';
import { defaultModelName, missingPreferredModels } from './model-loader';

/** A models directory with these models "installed" (a folder holding a manifest; loading is not tried). */
function modelsDir(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'autoglm-models-'));
  for (const name of names) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'manifest.json'), JSON.stringify({ name }));
  }
  return dir;
}

describe(defaultModelName.name, () => {
  const preference = defaultConfig().analysis.embeddingModels;
  const dirs: string[] = [];
  const dir = (names: string[]) => {
    const made = modelsDir(names);
    dirs.push(made);
    return made;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('names a multilingual hub model first in the default configuration', () => {
    expect(preference[0]).toBe('intfloat/multilingual-e5-small');
  });

  it('takes the first installed model of the preference (hub ids map to owner--name folders)', () => {
    expect(defaultModelName(dir(['use-lite-en', 'wink-sg100d', 'intfloat--multilingual-e5-small']), preference)).toBe('intfloat--multilingual-e5-small');
    expect(defaultModelName(dir(['use-lite-en', 'wink-sg100d']), preference)).toBe('use-lite-en');
    expect(defaultModelName(dir(['wink-sg100d']), preference)).toBe('wink-sg100d');
  });

  it('lets the models/default marker win over the preference', () => {
    const models = dir(['use-lite-en', 'wink-sg100d']);
    writeFileSync(join(models, 'default'), 'wink-sg100d\n');
    expect(defaultModelName(models, preference)).toBe('wink-sg100d');
  });

  it('lists the preferred models that are missing before the one used, for the start-up log', () => {
    const models = dir(['use-lite-en', 'wink-sg100d']);
    expect(missingPreferredModels(models, preference, 'use-lite-en')).toEqual(['intfloat/multilingual-e5-small']);
    expect(missingPreferredModels(models, ['use-lite-en', 'other/model'], 'use-lite-en')).toEqual([]);
  });
});
