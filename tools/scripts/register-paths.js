// Resolves the @autoglm/* aliases of tsconfig.base.json to the compiled output in dist/.
const tsconfigPaths = require('tsconfig-paths');
const { join } = require('node:path');
const { compilerOptions } = require('../../tsconfig.base.json');

const paths = {};
for (const [alias, targets] of Object.entries(compilerOptions.paths)) {
  paths[alias] = targets.map((t) => t.replace(/\.ts$/, ''));
}
tsconfigPaths.register({ baseUrl: join(__dirname, '..', '..', 'dist'), paths });
