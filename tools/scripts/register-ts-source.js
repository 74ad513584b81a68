// Runs the TypeScript sources directly (`node -r ./tools/scripts/register-ts-source.js apps/x/src/main.ts`):
// each .ts file is transpiled on require (no type check, like the Jest tiers), and the @autoglm/*
// aliases resolve to the sources. Specs that start a real child process use it, so they test the
// code in the worktree rather than whatever dist/ was last built from.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const Module = require('node:module');
const ts = require('typescript');
const tsconfigPaths = require('tsconfig-paths');

const root = join(__dirname, '..', '..');
const { compilerOptions: base } = require(join(root, 'tsconfig.base.json'));

tsconfigPaths.register({ baseUrl: root, paths: base.paths });

const compilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  esModuleInterop: true,
  experimentalDecorators: true,
  emitDecoratorMetadata: true,
  resolveJsonModule: true,
  inlineSourceMap: true,
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
  module._compile(outputText, filename);
};
