// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import layers from './eslint-rules/layers.js';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https'];

export default tseslint.config(
  { ignores: ['node_modules', 'out', 'dist', 'coverage', 'data', '**/*.d.ts', 'tests/e2e/screenshots'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/require-await': 'off',
    },
  },
  { files: ['**/*.js', '**/*.mjs'], ...tseslint.configs.disableTypeChecked },
  { files: ['**/*.js', '**/*.mjs'], languageOptions: { globals: globals.node } },
  // Layers (docs/ARCHITECTURE.md, "Layers"): an allow-list per folder of what it may import
  // (eslint-rules/layers.js); the platform rules below keep Node, Electron and React where they
  // belong inside layers that may import any package.
  {
    files: ['src/**/*.{ts,tsx}', 'server/**/*.ts', 'migrations/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/allowed-imports': 'error' },
  },
  {
    files: ['src/shared/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['../*', '!./*', 'electron', ...nodeBuiltins],
              message: 'src/shared imports nothing of ours and no platform module',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/main/core/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', 'react', '**/shell/*', '**/renderer/*'],
              message: 'the core is plain Node: no electron, React or shell code',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', '**/main/*', '**/preload/*', 'better-sqlite3'],
              message: 'the renderer talks to the world only through the preload object',
            },
          ],
        },
      ],
    },
  },
  // The browser harness runs the core in plain Node (never electron); its preload and wire
  // format run in the page.
  {
    files: ['src/harness/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', 'electron/*', '**/renderer/*', '**/preload/*'],
              message: 'the harness is plain Node: no electron, and the renderer only as built files',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['src/harness/browser/**', 'src/harness/wire.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'electron', 'electron/*', '**/main/*', 'ws'],
              message: 'the harness preload runs in the page: browser APIs only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['server/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['electron', '**/src/main/*', '**/src/renderer/*', '**/src/preload/*'],
              message: 'the server shares only src/shared with the app',
            },
          ],
        },
      ],
    },
  },
);
