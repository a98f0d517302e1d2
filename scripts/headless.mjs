// `npm start [-- --port N --state-dir DIR --no-open]`: the headless app (Hoist
// without Electron: the same services and UI, served on 127.0.0.1). Builds what
// is stale first: the Node bundle (esbuild) and the renderer (vite build), then
// runs the bundle in this process. Build output goes to stderr, so stdout holds
// only the "Hoist is running at …" line.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildTarget, isStale, targets } from './build.mjs';
import { requireNode } from './require-node.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RENDERER_OUTPUT = join(root, 'dist', 'renderer', 'index.html');
/** What the renderer bundle is built from: its sources, the shared contract, Vite's config. */
const RENDERER_INPUTS = ['renderer', 'shared', 'vite.config.ts'];

function isTestFile(name) {
  return /\.test\.tsx?$/.test(name);
}

function newestMtime(path) {
  let info;
  try {
    info = statSync(path);
  } catch {
    return 0;
  }
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || isTestFile(entry.name)) continue;
    newest = Math.max(newest, newestMtime(join(path, entry.name)));
  }
  return newest;
}

/** True when dist/renderer is missing or older than any renderer source. */
export function rendererIsStale() {
  let built;
  try {
    built = statSync(RENDERER_OUTPUT).mtimeMs;
  } catch {
    return true;
  }
  return RENDERER_INPUTS.some((input) => newestMtime(join(root, input)) > built);
}

export function buildRenderer() {
  const vitePackage = createRequire(import.meta.url).resolve('vite/package.json');
  const vite = join(dirname(vitePackage), 'bin', 'vite.js');
  // stdout of the build goes to our stderr: this script's stdout is the URL line only.
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: root, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`vite build failed (exit ${result.status ?? result.signal})`);
}

/** Builds the headless bundle and the renderer when missing or older than their sources. */
export async function ensureHeadlessBuilt({ force = false } = {}) {
  if (force || isStale('headless')) await buildTarget('headless');
  if (force || rendererIsStale()) buildRenderer();
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  requireNode();
  try {
    await ensureHeadlessBuilt();
  } catch (error) {
    process.stderr.write(`hoist: build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  await import(pathToFileURL(join(root, targets.headless.outfile)).href);
}
