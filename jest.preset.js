// Shared Jest settings: ts-jest transpiles only (type checking is `npm run typecheck`),
// tsconfig paths become module mappings, and time runs in UTC.
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.base.json');

process.env.TZ = 'UTC';

const ESM_ONLY_PACKAGES = ['css-select', 'css-what', 'cssomnom', 'uhyphen', 'nth-check', 'boolbase', 'domutils', 'domhandler', 'dom-serializer', 'domelementtype', 'entities'];

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
    // linkedom's selector and CSS dependencies ship as ES modules only (Node loads them with
    // require(esm); Jest's module system does not): transpile just those to CommonJS.
    '^.+\\.m?js$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json', diagnostics: false }],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY_PACKAGES.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' }),
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};
