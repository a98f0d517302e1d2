// Lint, including the layer rules that keep Hoist's parts apart (scripts/eslint-layers.js,
// checked by scripts/layer-rules.test.ts). Every module specifier counts: static
// and type imports, `export ... from`, dynamic import(), require() and createRequire.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import layersPlugin from './scripts/eslint-layers.js';

const root = dirname(fileURLToPath(import.meta.url));

const ELECTRON = ['npm:electron', 'npm:electron/**'];
/** The hosts: each composes the app for one way of running it. */
const HOSTS = ['main/app/**', 'main/cli/**', 'main/headless/**', 'main/shell/**'];

/**
 * Which folder may import what. A file is checked against every layer whose
 * `files` match it; see scripts/eslint-layers.js for the target names and globs.
 */
const layers = [
  {
    name: 'engine-host-neutral',
    files: ['main/engine/**'],
    // Tests and main/engine/testing/ compose the engine with real adapters.
    ignores: ['main/engine/**/*.test.ts', 'main/engine/testing/**'],
    allow: ['main/engine/**', 'shared/**', 'node:crypto'],
    reason:
      'main/engine/ imports only main/engine/, shared/ and node:crypto, so the engine runs on any host and reaches the platform only through its ports (adapters belong in main/platform/, main/store/, main/s3/ or main/source/).',
  },
  {
    name: 'store-adapter-alone',
    files: ['main/store/**'],
    deny: ['main/s3/**', 'main/source/**', 'main/platform/**', ...HOSTS],
    reason: "main/store/ is one adapter of the engine's ports: it may use main/engine/, shared/, Node and npm packages, never another adapter or a host.",
  },
  {
    name: 's3-adapter-alone',
    files: ['main/s3/**'],
    deny: ['main/store/**', 'main/source/**', 'main/platform/**', ...HOSTS],
    reason: "main/s3/ is one adapter of the engine's ports: it may use main/engine/, shared/, Node and npm packages, never another adapter or a host.",
  },
  {
    name: 'source-adapter-alone',
    files: ['main/source/**'],
    deny: ['main/store/**', 'main/s3/**', 'main/platform/**', ...HOSTS],
    reason: "main/source/ is one adapter of the engine's ports: it may use main/engine/, shared/, Node and npm packages, never another adapter or a host.",
  },
  {
    name: 'platform-adapter-alone',
    files: ['main/platform/**'],
    deny: ['main/store/**', 'main/s3/**', 'main/source/**', ...HOSTS],
    reason: "main/platform/ adapts the platform to the engine's ports: it may use main/engine/, shared/ and Node, never another adapter or a host.",
  },
  {
    name: 'app-below-hosts',
    files: ['main/app/**'],
    deny: ['main/shell/**', 'main/headless/**', 'main/cli/**'],
    reason: 'main/app/ is the logic every host shares, so it never imports a host (main/shell/, main/headless/, main/cli/).',
  },
  {
    name: 'electron-only-in-shell',
    files: ['main/**', 'shared/**', 'renderer/**'],
    ignores: ['main/shell/**'],
    deny: ELECTRON,
    reason: 'Only main/shell/ and preload/ may import electron: the engine, the adapters and the app also run headless, where there is no Electron.',
  },
  {
    name: 'shared-pure',
    files: ['shared/**'],
    deny: ['node:**', ...ELECTRON, 'main/**', 'preload/**', 'renderer/**'],
    reason: 'shared/ is pure code for every side: no Node built-ins, no Electron, nothing from main/, preload/ or renderer/.',
  },
  {
    name: 'renderer-through-preload',
    files: ['renderer/**'],
    deny: ['main/**', 'preload/**', 'node:**', ...ELECTRON],
    reason: 'The renderer is a web page with no Node: it reaches main only through the preload API (window.hoist), never by import.',
  },
  {
    name: 'preload-small',
    files: ['preload/**'],
    ignores: ['preload/**/*.test.ts'],
    allow: ['preload/**', 'shared/ipc-channels.ts', ...ELECTRON],
    typesFrom: ['shared/**'],
    reason:
      'The sandboxed preload is one bundled file: it imports values only from preload/, shared/ipc-channels.ts and electron, and the contract only with `import type` (importing the zod schemas would bundle zod).',
  },
];

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
    files: ['main/**/*.{ts,tsx,js,mjs,cjs}', 'shared/**/*.{ts,tsx,js,mjs,cjs}', 'preload/**/*.{ts,tsx,js,mjs,cjs}', 'renderer/**/*.{ts,tsx,js,mjs,cjs}'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/imports': ['error', { root, layers }] },
  },
  {
    files: ['shared/**/*.ts'],
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      'no-restricted-globals': ['error', 'window', 'document', 'navigator', 'process', 'Buffer', 'require', '__dirname'],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
);
