// Builds the Node-side bundles with esbuild. The app's build must work without
// an Electron binary (none can be downloaded here), so main/ is bundled as
// plain Node ESM; npm packages stay external (better-sqlite3 is native).
import { build } from 'esbuild';
import { readdirSync, statSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const targets = {
  cli: { entry: 'main/cli/index.ts', outfile: 'dist/cli/hoist.mjs' },
  headless: { entry: 'main/headless/index.ts', outfile: 'dist/headless/hoist-headless.mjs' },
  // The Electron main process: CommonJS, npm packages bundled except electron and the native better-sqlite3.
  electron: { entry: 'main/shell/main.ts', outfile: 'dist/electron/main.cjs', format: 'cjs', external: ['electron', 'better-sqlite3'] },
  // The sandboxed preload must be one CommonJS file that requires nothing but electron.
  preload: { entry: 'preload/preload.ts', outfile: 'dist/electron/preload.cjs', format: 'cjs', external: ['electron'] },
};

const SOURCE_DIRS = ['main', 'shared'];

function newestSourceMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSourceMtime(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** True when the bundle is missing or older than any source file. */
export function isStale(target) {
  let built;
  try {
    built = statSync(join(root, targets[target].outfile)).mtimeMs;
  } catch {
    return true;
  }
  return SOURCE_DIRS.some((dir) => newestSourceMtime(join(root, dir)) > built);
}

export async function buildTarget(target) {
  const { entry, outfile, format = 'esm', external } = targets[target];
  await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format,
    // Electron 45 runs Node 22, and so do the CLI and the headless mode (engines: >= 22.12).
    target: 'node22',
    // Listed externals bundle every other package; otherwise all npm packages stay external.
    ...(external ? { external } : { packages: 'external' }),
    sourcemap: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
  for (const target of wanted.length ? wanted : Object.keys(targets)) await buildTarget(target);
}
