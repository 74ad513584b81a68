import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const services = ['storage', 'sources', 'crawler', 'analysis', 'recommender', 'gateway'];

export default [
  { ignores: ['**/node_modules', '**/dist', 'libs/contracts/src/generated/**', 'tmp/**', 'data/**', 'models/**'] },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: true,
          allow: [],
          depConstraints: [
            // scope: a service imports only its own scope and shared; the launcher starts them all.
            { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
            ...services.map((s) => ({ sourceTag: `scope:${s}`, onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'] })),
            { sourceTag: 'scope:autoglm', onlyDependOnLibsWithTags: ['*'] },
            // layers point downward.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:feature', 'type:util', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:feature', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:testing'] },
            { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
            // ownership: only storage touches the database, only analysis runs models, only the gateway speaks GraphQL.
            ...services
              .filter((s) => s !== 'storage')
              .map((s) => ({ sourceTag: `scope:${s}`, bannedExternalImports: ['typeorm', 'pg', '@electric-sql/*', '@nestjs/typeorm'] })),
            ...services
              .filter((s) => s !== 'analysis')
              .map((s) => ({ sourceTag: `scope:${s}`, bannedExternalImports: ['onnxruntime-node', 'onnxruntime-*'] })),
            ...services
              .filter((s) => s !== 'gateway')
              .map((s) => ({ sourceTag: `scope:${s}`, bannedExternalImports: ['@nestjs/graphql', '@nestjs/apollo', '@apollo/*'] })),
            { sourceTag: 'scope:shared', bannedExternalImports: ['typeorm', 'pg', 'onnxruntime-node', '@nestjs/graphql', '@electric-sql/*'] },
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/*.e2e-spec.ts'],
    rules: { '@typescript-eslint/no-non-null-assertion': 'off' },
  },
];
