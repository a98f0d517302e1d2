// Lint, including the layer rules that keep Hoist's parts apart:
// - only the Electron shell (main/shell/) may import electron: the engine,
//   the store and the S3 adapter also run headless, where there is no Electron;
// - shared/ is pure: no Node built-ins, no Electron, no DOM;
// - the renderer talks to main only through the preload's typed API, never by import.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { builtinModules } from 'node:module';

// Exact module names (a pattern like "domain/*" would also match the project's own shared/domain/).
const nodeBuiltinPaths = [...new Set(builtinModules.flatMap((name) => [name, `node:${name}`]))];

const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/shell/ may import electron: the engine, store and S3 adapter must run headless.',
};

export default tseslint.config(
  { ignores: ['dist/**', '.cache/**', 'node_modules/**', 'out/**', 'coverage/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // Benchmarks drive a browser: part of their code runs in the page.
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/shell/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnlyInShell], patterns: [{ group: ['electron/*'], message: electronOnlyInShell.message }] }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'shared/ is pure: no Electron.' },
            ...nodeBuiltinPaths.map((name) => ({ name, message: 'shared/ is pure: no Node built-ins.' })),
          ],
          patterns: [
            { group: ['node:*'], message: 'shared/ is pure: no Node built-ins.' },
            { group: ['**/main/**', '**/preload/**', '**/renderer/**'], message: 'shared/ depends on nothing else in the project.' },
          ],
        },
      ],
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'electron', message: 'The renderer reaches main only through the preload API.' },
            ...nodeBuiltinPaths.map((name) => ({ name, message: 'The renderer has no Node.' })),
          ],
          patterns: [
            { group: ['**/main/**', '**/preload/**', '../main', '../preload'], message: 'The renderer never imports main/ or preload/: use the preload API (window.hoist).' },
            { group: ['node:*'], message: 'The renderer has no Node.' },
          ],
        },
      ],
    },
  },
);
