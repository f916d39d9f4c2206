import js from '@eslint/js';
import prettier from 'eslint-config-prettier';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      'data/',
      'server/generated/',
      'web/build/',
      'web/.svelte-kit/',
      'coverage/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  prettier,
  ...svelte.configs['flat/prettier'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
      eqeqeq: 'error',
    },
  },
  {
    // The CLI, scripts, tests and benchmarks talk to a terminal.
    files: ['server/cli/**', 'scripts/**', 'tests/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    // Only the repositories may touch Prisma (STYLE.md); crypto/ stays pure.
    files: ['server/**/*.ts'],
    ignores: ['server/repositories/**', 'server/database/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/generated/prisma/client*', '@prisma/*'],
              message: 'Only repositories (server/repositories) may use the Prisma client.',
              allowTypeImports: true,
            },
          ],
        },
      ],
    },
  },
  {
    files: ['crypto/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', 'fastify*', '@prisma/*', 'pg', 'node:fs*', 'fs*'],
              message: 'crypto/ is pure: no database, HTTP or files.',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'crypto/ reads no configuration.' },
      ],
    },
  },
  {
    files: ['web/**/*.{ts,js,svelte}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    // Nothing outside server/config reads the environment (STYLE.md).
    files: ['server/**/*.ts', 'crypto/**/*.ts'],
    ignores: ['server/config/**'],
    rules: {
      'no-restricted-properties': [
        'error',
        {
          object: 'process',
          property: 'env',
          message: 'Read configuration through server/config.',
        },
      ],
    },
  },
);
