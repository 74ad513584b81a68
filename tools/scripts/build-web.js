#!/usr/bin/env node
// Builds the web reader: compiles apps/web/src (browser TypeScript, ES modules) with tsc and copies
// apps/web/static (page, stylesheet, icon) beside it. Output: dist/web, or the folder given with --out.
const { execFileSync } = require('node:child_process');
const { cpSync, mkdirSync, rmSync } = require('node:fs');
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..', '..');
const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 && process.argv[outIndex + 1] ? resolve(process.argv[outIndex + 1]) : join(root, 'dist', 'web');

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(root, 'apps', 'web', 'tsconfig.json'), '--outDir', out], { stdio: 'inherit' });
cpSync(join(root, 'apps', 'web', 'static'), out, { recursive: true });
console.log(`web reader built into ${out}`);
