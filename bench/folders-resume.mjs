// Benchmark: the folder issue's resume and scale targets, which the folder
// throughput benchmark (bench/folders.mjs) does not measure:
//   (4) SIGKILL at 50 % of workload A (2,000 × 64 KiB), then `resume`: files
//       sent again ≤ the concurrency (4), resume to the first byte < 1 s;
//   a folder of 100,000 files of 1 KiB: (a) the app's add returns within 2 s
//       with the folder listed; (b) the upload's peak RSS ≤ a single large
//       file's + 32 MiB; (c) killed at 50 %, `resume` reaches the first byte
//       within 2 s.
// Figures reported against the targets, never asserted. Writes
// bench/results/folders-resume.json and docs/benchmarks-folders-resume.md.
//
//   npm run bench:folders-resume [-- --reps 2 --files 100000 --single-mib 512 --out DIR --cache DIR]
//   npm run bench:folders-resume -- --report-only [--out DIR]   (the page again from the saved results)
//
// Imported first: it points bench/folders/server.mjs (and bench/s3/rgw.mjs) at this benchmark's own server.
import { FOLDERS_RGW_DIR, benchS3Client, loadServerModules, startFoldersRgw } from './folders-resume/server.mjs';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildTarget, isStale } from '../scripts/build.mjs';
import { killRunningApps } from './folders/hoist-headless.mjs';
import { DEFAULT_CACHE_DIR, warmPageCache } from './folders/workloads.mjs';
import { describeMachine } from './s3/machine.mjs';
import { killRunningClis } from './folders-resume/cli-process.mjs';
import { fullUpload, killAndResume, singleFile } from './folders-resume/cli-runs.mjs';
import { startCountingProxy } from './folders-resume/counting-proxy.mjs';
import { ensureFolder, planA, planLarge, planScale } from './folders-resume/folders.mjs';
import { headlessAdd } from './folders-resume/headless-add.mjs';
import { evaluateTargets, markdown, scenarioMedians } from './folders-resume/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const log = (message) => console.error(`bench:folders-resume: ${message}`);

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv,
  options: {
    reps: { type: 'string', default: '2' },
    files: { type: 'string', default: '100000' },
    'single-mib': { type: 'string', default: '512' },
    out: { type: 'string' },
    cache: { type: 'string', default: DEFAULT_CACHE_DIR },
    'report-only': { type: 'boolean', default: false },
  },
});
const outDir = opts.out ? resolve(opts.out) : undefined;
const resultsPath = outDir ? join(outDir, 'folders-resume.json') : join(root, 'bench', 'results', 'folders-resume.json');
const docPath = outDir ? join(outDir, 'benchmarks-folders-resume.md') : join(root, 'docs', 'benchmarks-folders-resume.md');
const shown = (path) => (isAbsolute(relative(root, path)) || relative(root, path).startsWith('..') ? path : relative(root, path));

/** Medians and targets from the runs themselves, so a change to the summary applies to saved results too. */
function summarize(results) {
  for (const scenario of Object.values(results.scenarios)) scenario.medians = scenarioMedians(scenario);
  results.targets = evaluateTargets(results);
  return results;
}

if (opts['report-only']) {
  const saved = summarize(JSON.parse(await readFile(resultsPath, 'utf8')));
  await writeFile(docPath, markdown(saved, shown(resultsPath)));
  log(`written: ${shown(docPath)} (from ${shown(resultsPath)})`);
  process.exit(0);
}

const config = { reps: Number(opts.reps), files: Number(opts.files), singleMiB: Number(opts['single-mib']), concurrency: 4, partSize: 8 * MiB };
if (!(Number.isInteger(config.reps) && config.reps >= 1)) throw new Error('--reps must be a whole number ≥ 1');
if (!(Number.isInteger(config.files) && config.files >= 2 && config.files <= 1_000_000)) throw new Error('--files must be a whole number from 2 to 1000000');
if (!(Number.isInteger(config.singleMiB) && config.singleMiB >= 16)) throw new Error('--single-mib must be a whole number ≥ 16');
const began = Date.now();
const loadAtStart = loadavg()[0];
const cacheDir = resolve(opts.cache);

for (const target of ['cli', 'headless']) if (isStale(target)) await buildTarget(target);
const modules = await loadServerModules();
const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
const commit = `${git('rev-parse', '--short=12', 'HEAD') || 'unknown'}${git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''}`;
const hoistVersion = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;
const workDir = await mkdtemp(join(tmpdir(), 'hoist-bench-folders-resume-'));

const plans = { A: planA(), S: planScale(config.files), L: planLarge(config.singleMiB) };
const dirs = {};
for (const [id, plan] of Object.entries(plans)) dirs[id] = await ensureFolder(plan, cacheDir, log);
// Two small files: the warm-up upload that makes each run's state directory and bucket known to Hoist.
const probeDir = join(workDir, 'probe', 'probe');
mkdirSync(probeDir, { recursive: true });
for (const name of ['a.bin', 'b.bin']) writeFileSync(join(probeDir, name), Buffer.alloc(1024, name));

let rgw;
let proxy;
const stopAll = () => {
  killRunningClis();
  killRunningApps();
};
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    stopAll();
    proxy?.close().catch(() => undefined);
    rgw?.stop();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  });
}

const scenarios = {
  resumeA: { label: plans.A.label, count: plans.A.count, runs: [] },
  headlessAdd: { label: plans.S.label, count: plans.S.count, runs: [] },
  scaleFull: { label: plans.S.label, count: plans.S.count, runs: [] },
  single: { label: plans.L.label, count: 1, runs: [] },
  scaleResume: { label: plans.S.label, count: plans.S.count, runs: [] },
};
const describe = {
  resumeA: (r) => `resume to first byte ${r.resumeFirstByteSeconds.toFixed(2)} s, ${r.filesSentAgain} files sent again (${r.onTheirWayAtKill} on their way at the kill)`,
  headlessAdd: (r) => `add answered in ${r.addSeconds.toFixed(2)} s, listed at ${r.visibleSeconds.toFixed(2)} s, first byte at ${r.firstByteSeconds.toFixed(2)} s`,
  scaleFull: (r) => `first progress line ${r.firstProgressSeconds.toFixed(2)} s, first byte ${r.firstByteSeconds.toFixed(2)} s, ${r.wallSeconds.toFixed(1)} s, RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB`,
  single: (r) => `${r.mbPerSecond.toFixed(0)} MB/s, RSS ${(r.peakRssBytes / MiB).toFixed(0)} MiB`,
};
describe.scaleResume = describe.resumeA;

try {
  // Sparse: only what is stored uses disk. Runs keep their buckets (deleting 100,000 objects costs minutes); the directory goes at the end.
  rgw = startFoldersRgw(root, modules, Math.max(32 * GiB, 4 * config.files * 64 * 1024));
  const { server } = rgw;
  log(`RGW on ${server.endpoint} in ${FOLDERS_RGW_DIR}`);
  proxy = await startCountingProxy(server.endpoint);
  const s3 = benchS3Client(server);
  const ctx = { root, workDir, server, partSize: config.partSize, concurrency: config.concurrency };
  const env = { ctx, proxy, s3, probeDir, serial: 0, runId: new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15) };
  const steps = [
    ['resumeA', () => killAndResume(env, { dir: dirs.A, plan: plans.A })],
    ['headlessAdd', () => headlessAdd(env, { dir: dirs.S, plan: plans.S })],
    ['scaleFull', () => fullUpload(env, { dir: dirs.S, plan: plans.S })],
    ['single', () => singleFile(env, { file: join(dirs.L, plans.L.files[0].path), plan: plans.L })],
    ['scaleResume', () => killAndResume(env, { dir: dirs.S, plan: plans.S })],
  ];
  // Every run finds its files in the page cache (24 GiB of RAM holds them all): none pays for the disk.
  for (const id of Object.keys(plans)) await warmPageCache(dirs[id], plans[id]);
  for (let rep = 0; rep < config.reps; rep += 1) {
    for (const [id, run] of steps) {
      let result;
      try {
        result = await run();
      } catch (error) {
        result = { ok: false, error: error.stack ?? String(error) };
      }
      scenarios[id].runs.push({ rep, ...result });
      log(`rep ${rep + 1}/${config.reps} ${id}: ${result.ok ? describe[id](result) : `FAILED\n${result.error}`}`);
    }
  }
} finally {
  stopAll();
  await proxy?.close().catch(() => undefined);
  rgw?.stop();
  await rm(workDir, { recursive: true, force: true });
}

const results = summarize({
  measuredAt: new Date().toISOString(),
  command: `npm run bench:folders-resume${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  commit,
  durationMinutes: (Date.now() - began) / 60_000,
  machine: describeMachine(),
  loadAverage: [loadAtStart, loadavg()[0]],
  config,
  versions: { hoist: hoistVersion, node: process.version },
  scenarios,
});
mkdirSync(dirname(resultsPath), { recursive: true });
mkdirSync(dirname(docPath), { recursive: true });
await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
await writeFile(docPath, markdown(results, shown(resultsPath)));
log(`written: ${shown(docPath)}, ${shown(resultsPath)}`);
for (const target of results.targets) console.log(`target ${target.name}: ${target.status}${target.actual !== undefined ? ` (${target.actual.toFixed(2)} ${target.unit} vs ${target.needed.toFixed(2)})` : ''}`);
