import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'data/', 'tmp/', 'drizzle/', 'test-results/', 'coverage/', 'src/public/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Read configuration through src/config.ts.' }],
    },
  },
  {
    files: ['scripts/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    // Only these entry points may read the environment.
    files: ['src/config.ts', 'src/cli/**', 'test/**', 'e2e/**', 'scripts/**', 'bench/**', 'vitest.config.ts', 'drizzle.config.ts', '**/*.test.ts', '**/*.test.tsx'],
    rules: { 'no-restricted-properties': 'off' },
  },
  {
    // Layering: routes never touch the database directly; repositories never import HTTP.
    files: ['src/features/**/*.routes.tsx', 'src/features/**/*.routes.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/*.repository.ts', '**/db/schema.ts', 'drizzle-orm', 'drizzle-orm/*'], message: 'Routes call services; services call repositories.' }] }],
    },
  },
  {
    files: ['src/features/**/*.repository.ts', 'src/features/**/*.service.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [{ group: ['hono', 'hono/*'], message: 'Services and repositories know nothing of HTTP.' }] }] },
  },
);
