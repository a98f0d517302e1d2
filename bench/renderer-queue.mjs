// Benchmark: the renderer's queue with 10,000 uploads, in Debian's Chromium.
// Measures time to first render (navigation start → first row painted) and the
// frame times while scrolling the whole list. Targets (first render < 500 ms,
// no scroll frame over 50 ms) are reported, never asserted: this machine is
// noisy, and speed targets live here, not in tests.
//
//   node bench/renderer-queue.mjs [--rows 10000] [--runs 3]
import { createServer } from 'node:http';
import { readFile, mkdir, writeFile } from 'node:fs/promises';
import { extname, join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { chromium } from '@playwright/test';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { rows: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);

if (spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' }).status !== 0) process.exit(1);
const staticDir = join(root, 'dist', 'renderer');
const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png', '.svg': 'image/svg+xml' };
const server = createServer(async (request, response) => {
  const path = normalize(join(staticDir, decodeURIComponent(new URL(request.url, 'http://x').pathname)));
  const file = path.endsWith('/') || path === staticDir ? join(staticDir, 'index.html') : path;
  try {
    const body = await readFile(file);
    response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    response.end(body);
  } catch {
    response.writeHead(404).end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

// A fake bridge with `rows` uploads in every state, injected before the app loads
// (the app uses window.hoist when it exists, as under Electron).
function installFakeBridge(count) {
  const states = ['uploading', 'queued', 'paused', 'completed', 'failed', 'conflict'];
  const now = Date.now();
  const uploads = Array.from({ length: count }, (_, index) => ({
    id: `u${index}`,
    path: `/data/batch-${Math.floor(index / 100)}/file-${index}.bin`,
    bucket: 'bench-bucket',
    key: `batch/file-${index}.bin`,
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    targetId: 't1',
    state: states[index % states.length],
    bytesDone: (index * 7919) % 1_000_000_000,
    bytesTotal: 1_000_000_000,
    partsDone: index % 120,
    partsTotal: 120,
    partSize: 8 * 1024 * 1024,
    startedAt: new Date(now - 3_600_000).toISOString(),
    updatedAt: new Date(now).toISOString(),
    completedAt: null,
    expiresAt: new Date(now + 6 * 86_400_000).toISOString(),
    restarts: index % 17 === 0 ? 1 : 0,
    lastError: null,
    conflict: index % 6 === 5 ? 'size 1000 → 2000' : null,
    uploadId: `mpu-${index}`,
    speed: 12_000_000,
    etaSeconds: 80,
  }));
  const answers = {
    'app.info': { mode: 'electron', version: 'bench', canPickFiles: true, secretStorage: 'encrypted', platform: 'linux' },
    'uploads.list': uploads,
    'targets.list': [{ id: 't1', name: 'Bench', endpoint: '', region: 'us-east-1', bucket: 'bench-bucket', keyPrefix: '', pathStyle: false, credentials: { kind: 'chain' }, expiryDays: 7, hasSecret: false }],
    'settings.get': { partSizeMiB: 8, concurrency: 4, bandwidthLimitKiBps: 0, startAtLogin: false, notifications: true, expiryWarningHours: 24 },
  };
  window.hoist = {
    invoke: async (name) => ({ ok: true, value: answers[name] ?? { ok: true } }),
    on: () => () => undefined,
    pathForFile: () => undefined,
  };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic'],
});
const chromiumVersion = browser.version();
const results = [];
for (let run = 0; run < runs; run += 1) {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.addInitScript(installFakeBridge, rows);
  await page.goto(url);
  await page.waitForSelector('[data-testid="upload-row"]');
  const firstRenderMs = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return performance.now() - (nav ? nav.startTime : 0);
  });
  const rendered = await page.locator('[data-testid="upload-row"]').count();
  // Scroll the whole list in steps of 3 rows per frame, recording each frame's duration.
  const frames = await page.evaluate(async () => {
    const queue = document.querySelector('[data-testid="queue"]');
    const scroller = [queue, ...queue.querySelectorAll('*')].find((element) => element.scrollHeight > element.clientHeight + 10) ?? queue;
    const durations = [];
    let last = performance.now();
    const step = 120;
    while (scroller.scrollTop + scroller.clientHeight < scroller.scrollHeight - 1) {
      scroller.scrollTop += step;
      await new Promise((resolve) => requestAnimationFrame(resolve));
      const now = performance.now();
      durations.push(now - last);
      last = now;
    }
    return durations;
  });
  frames.sort((a, b) => a - b);
  results.push({
    firstRenderMs: Math.round(firstRenderMs),
    rowsInDom: rendered,
    frames: frames.length,
    frameP95Ms: Math.round(frames[Math.floor(frames.length * 0.95)] ?? 0),
    frameMaxMs: Math.round(frames[frames.length - 1] ?? 0),
  });
  await page.close();
}
await browser.close();
server.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const summary = {
  rows,
  runs,
  firstRenderMsMedian: median(results.map((r) => r.firstRenderMs)),
  frameMaxMsMedian: median(results.map((r) => r.frameMaxMs)),
  frameP95MsMedian: median(results.map((r) => r.frameP95Ms)),
  rowsInDom: results[0]?.rowsInDom,
  targets: { firstRenderMs: 500, frameMaxMs: 50 },
  runsDetail: results,
  chromium: chromiumVersion,
  measuredAt: new Date().toISOString(),
};
await mkdir(join(root, 'bench', 'results'), { recursive: true });
await writeFile(join(root, 'bench', 'results', 'renderer-queue.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `renderer queue, ${rows} rows: first render ${summary.firstRenderMsMedian} ms (target < 500), ` +
    `scroll frames p95 ${summary.frameP95MsMedian} ms, max ${summary.frameMaxMsMedian} ms (target ≤ 50); ` +
    `${summary.rowsInDom} rows in the DOM`,
);
