// `npm test`: lint, typecheck, build and every test suite, then one closing summary line.
// The S3 suite starts the local Ceph RGW itself (see e2e/support/s3-global-setup.ts)
// unless HOIST_TEST_S3_ENDPOINT points at another S3-compatible endpoint.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, '.cache', 'test-reports');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';

function run(command, args) {
  const started = Date.now();
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  return { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
}

function vitestStep(project) {
  const report = join(reports, `${project}.json`);
  const outcome = run(npx, ['vitest', 'run', '--project', project, '--reporter=default', '--reporter=json', `--outputFile.json=${report}`]);
  let counts = 'no report';
  try {
    const json = JSON.parse(readFileSync(report, 'utf8'));
    const skipped = json.numPendingTests + json.numTodoTests;
    counts = `${json.numPassedTests} passed, ${json.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`;
    if (json.numTotalTests === 0) {
      outcome.ok = false;
      counts = 'no tests ran';
    }
  } catch {
    outcome.ok = false;
  }
  return { ...outcome, detail: counts };
}

function playwrightStep(name, config) {
  const report = join(reports, `${name}.json`);
  const args = ['playwright', 'test', '--reporter=list,json', ...(config ? ['-c', config] : [])];
  const started = Date.now();
  const result = spawnSync(npx, args, { cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report } });
  const outcome = { ok: result.status === 0, seconds: (Date.now() - started) / 1000 };
  let detail = 'no report';
  try {
    const stats = JSON.parse(readFileSync(report, 'utf8')).stats;
    const passed = stats.expected;
    const failed = stats.unexpected + stats.flaky;
    detail = `${passed} passed, ${failed} failed${stats.skipped ? `, ${stats.skipped} skipped` : ''}`;
    // Only the Electron suite may skip everything (no Electron binary here); it says so itself.
    if (passed + failed === 0 && !config) {
      outcome.ok = false;
      detail = 'no tests ran';
    }
  } catch {
    outcome.ok = false;
  }
  return { ...outcome, detail };
}

const steps = [
  ['lint', () => ({ ...run(npx, ['eslint', '.']), detail: '' })],
  ['typecheck', () => ({ ...run('npm', ['run', '--silent', 'typecheck']), detail: '' })],
  ['build', () => ({ ...run('npm', ['run', '--silent', 'build']), detail: '' })],
  ['unit', () => vitestStep('unit')],
  ['renderer', () => vitestStep('renderer')],
  ['s3 (real server)', () => vitestStep('s3')],
  ['ui e2e (chromium, headless app, real server)', () => playwrightStep('ui')],
  ['electron e2e', () => playwrightStep('electron', 'e2e/electron/playwright.config.ts')],
];

const results = [];
for (const [name, step] of steps) {
  process.stdout.write(`\n=== ${name} ===\n`);
  results.push({ name, ...step() });
}

const allOk = results.every((result) => result.ok);
const parts = results.map((r) => `${r.name}: ${r.ok ? 'ok' : 'FAILED'}${r.detail ? ` (${r.detail})` : ''} ${r.seconds.toFixed(0)}s`);
process.stdout.write(`\nhoist test summary: ${allOk ? 'ALL PASSED' : 'FAILURES'} | ${parts.join(' | ')}\n`);
process.exit(allOk ? 0 : 1);
