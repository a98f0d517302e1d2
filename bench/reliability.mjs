// `npm run reliability`: runs the suites behind docs/reliability.md (the crash
// matrix and random kills, the network faults, damaged and full state
// databases, bad input, folders killed mid-way, other S3 tools) against the
// test S3 server, keeps every test's outcome and every figure the tests
// measured in bench/results/reliability.json, and writes the page from it.
// Nothing on the page comes from anywhere else.
//
//   npm run reliability [-- --soak N]         (N kills and N random-fault runs in the soaks; default what CI runs)
//   npm run reliability -- --report-only      (the page again from the saved results, running nothing)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { describeMachine } from './s3/machine.mjs';
import { reliabilityPage } from './reliability/report.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const resultsPath = join(root, 'bench', 'results', 'reliability.json');
const docPath = join(root, 'docs', 'reliability.md');
const log = (message) => console.error(`reliability: ${message}`);

const { values: opts } = parseArgs({
  args: process.argv.slice(2),
  options: { soak: { type: 'string' }, 'report-only': { type: 'boolean', default: false } },
});

/** The suites the page reports, by project. */
export const SUITES = {
  unit: ['main/store/salvage-sweep.test.ts'],
  s3: [
    'e2e/cli/bad-input.s3.test.ts',
    'e2e/cli/bad-input-mid-upload.s3.test.ts',
    'e2e/cli/crash-matrix.s3.test.ts',
    'e2e/cli/crash-resume.s3.test.ts',
    'e2e/cli/crash-soak.s3.test.ts',
    'e2e/cli/crash-headless.s3.test.ts',
    'e2e/cli/folder-crash.s3.test.ts',
    'e2e/cli/folder-state-corrupt.s3.test.ts',
    'e2e/cli/folder-differs.s3.test.ts',
    'e2e/cli/network-faults.s3.test.ts',
    'e2e/cli/network-torture.s3.test.ts',
    'e2e/cli/network-soak.s3.test.ts',
    'e2e/cli/state-corrupt.s3.test.ts',
    'e2e/cli/state-database.s3.test.ts',
    'e2e/cli/state-disk-full.s3.test.ts',
    'e2e/cli/state-lock.s3.test.ts',
    'e2e/cli/stray-parts.s3.test.ts',
    'e2e/cli/foreign-object.s3.test.ts',
    'e2e/cli/options-never-ignored.s3.test.ts',
  ],
};

function writePage(results) {
  writeFileSync(docPath, reliabilityPage(results, relative(root, resultsPath)));
  log(`written: ${relative(root, docPath)} (from ${relative(root, resultsPath)})`);
}

if (opts['report-only']) {
  writePage(JSON.parse(readFileSync(resultsPath, 'utf8')));
  process.exit(0);
}

const soak = opts.soak === undefined ? undefined : Number(opts.soak);
if (soak !== undefined && !(Number.isInteger(soak) && soak >= 1)) throw new Error('--soak must be a whole number ≥ 1');

const git = (...args) => spawnSync('git', args, { cwd: root, encoding: 'utf8' }).stdout?.trim() ?? '';
const commit = `${git('rev-parse', '--short=12', 'HEAD') || 'unknown'}${git('status', '--porcelain', '--untracked-files=no') ? ' (with uncommitted changes)' : ''}`;
const work = join(tmpdir(), `hoist-reliability-${process.pid}`);
rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
const figuresFile = join(work, 'figures.jsonl');
const env = { ...process.env, HOIST_RELIABILITY_FIGURES: figuresFile, ...(soak ? { HOIST_SOAK_RUNS: String(soak) } : {}) };
const startedAt = new Date();

const tests = [];
let failed = 0;
for (const [project, files] of Object.entries(SUITES)) {
  const report = join(work, `${project}.json`);
  log(`running the ${project} suites (${files.length} files)`);
  spawnSync('npx', ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...files], { cwd: root, env, stdio: 'inherit' });
  if (!existsSync(report)) throw new Error(`the ${project} run wrote no report: see its output above`);
  for (const file of JSON.parse(readFileSync(report, 'utf8')).testResults) {
    for (const test of file.assertionResults) {
      tests.push({ file: relative(root, file.name), name: test.fullName, status: test.status, seconds: Math.round((test.duration ?? 0) / 100) / 10 });
      if (test.status === 'failed') failed += 1;
    }
  }
}

const figures = existsSync(figuresFile) ? readFileSync(figuresFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line)) : [];
const results = {
  measuredAt: startedAt.toISOString(),
  minutes: Math.round((Date.now() - startedAt.getTime()) / 6000) / 10,
  commit,
  command: `npm run reliability${soak ? ` -- --soak ${soak}` : ''}`,
  machine: describeMachine(),
  soakRuns: soak ?? null,
  tests,
  figures,
};
mkdirSync(dirname(resultsPath), { recursive: true });
writeFileSync(resultsPath, `${JSON.stringify(results, null, 1)}\n`);
log(`results: ${relative(root, resultsPath)} (${tests.length} tests, ${failed} failed, ${figures.length} figures)`);
writePage(results);
rmSync(work, { recursive: true, force: true });
process.exit(failed > 0 ? 1 : 0);
