// Benchmark: the renderer's queue with 10,000 uploads, in Debian's Chromium.
// Measures time to first render (navigation start → the frame holding the first
// row painted) and the frame times while scrolling the whole list. Targets
// (first render < 500 ms, no scroll frame over 50 ms) are reported, never
// asserted: this machine is noisy, and speed targets live here, not in tests.
//
//   node bench/renderer-queue.mjs [--rows 10000] [--runs 3]
//
// Besides the lines it prints, it writes bench/results/renderer-queue.json,
// which bench/s3/report-hoist.mjs quotes in docs/benchmarks.md. Its shape:
//
//   {
//     "rows": 10000,                 uploads in the queue
//     "runs": [                      one entry per page load, each in a fresh tab
//       { "firstRenderMs": 412,      navigation start → the frame with the first row painted
//         "worstFrameMs": 38.2,      longest frame while scrolling
//         "p95FrameMs": 20.1,        95th percentile frame
//         "framesOver50ms": 0,       frames longer than 50 ms
//         "frames": 8661,            frames measured (one per scroll step)
//         "rowsInDom": 15 }          rows the virtual list had in the DOM
//     ],
//     "median": { "firstRenderMs", "worstFrameMs", "p95FrameMs", "framesOver50ms" },
//     "targets": { "firstRenderMs": 500, "worstFrameMs": 50 },
//     "chromium": "156.0.8078.108",  browser version
//     "measuredAt": "2026-…Z"        ISO time the measurement finished
//   }
//
// Times are in milliseconds, frames to 0.1 ms, first render to 1 ms.
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

// Time to first render is taken in the page: a MutationObserver sees the first
// row arrive, the animation frame callback after it runs just before that
// frame is painted, and a message posted from it is handled right after the
// paint. Asking from Playwright instead (waitForSelector, then evaluate) adds
// its polling and two round trips to the figure, 50-150 ms on this machine.
function watchFirstRow() {
  const observer = new MutationObserver(() => {
    if (!document.querySelector('[data-testid="upload-row"]')) return;
    observer.disconnect();
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        window.__firstRowPaintedMs = performance.now();
      };
      channel.port2.postMessage(null);
    });
  });
  observer.observe(document, { childList: true, subtree: true });
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
  await page.addInitScript(watchFirstRow);
  await page.goto(url);
  await page.waitForFunction(() => window.__firstRowPaintedMs !== undefined);
  // performance.now() counts from the navigation's start (startTime 0).
  const firstRenderMs = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    return window.__firstRowPaintedMs - (nav ? nav.startTime : 0);
  });
  const rendered = await page.locator('[data-testid="upload-row"]').count();
  // Scroll the whole list 120 px (a little over one row) per frame, recording each frame's duration.
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
  const tenth = (ms) => Math.round(ms * 10) / 10;
  results.push({
    firstRenderMs: Math.round(firstRenderMs),
    worstFrameMs: tenth(frames[frames.length - 1] ?? 0),
    p95FrameMs: tenth(frames[Math.floor(frames.length * 0.95)] ?? 0),
    framesOver50ms: frames.filter((duration) => duration > 50).length,
    frames: frames.length,
    rowsInDom: rendered,
  });
  await page.close();
}
await browser.close();
server.close();

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const medianOf = (field) => median(results.map((result) => result[field]));
const summary = {
  rows,
  runs: results,
  median: {
    firstRenderMs: medianOf('firstRenderMs'),
    worstFrameMs: medianOf('worstFrameMs'),
    p95FrameMs: medianOf('p95FrameMs'),
    framesOver50ms: medianOf('framesOver50ms'),
  },
  targets: { firstRenderMs: 500, worstFrameMs: 50 },
  chromium: chromiumVersion,
  measuredAt: new Date().toISOString(),
};
await mkdir(join(root, 'bench', 'results'), { recursive: true });
await writeFile(join(root, 'bench', 'results', 'renderer-queue.json'), `${JSON.stringify(summary, null, 2)}\n`);
console.log(
  `renderer queue, ${rows} rows, median of ${results.length} runs: first render ${summary.median.firstRenderMs} ms (target < 500), ` +
    `worst scroll frame ${summary.median.worstFrameMs} ms (target ≤ 50), p95 frame ${summary.median.p95FrameMs} ms, ` +
    `${summary.median.framesOver50ms} frames over 50 ms; ${results[0]?.rowsInDom} rows in the DOM`,
);
for (const [index, result] of results.entries()) {
  console.log(
    `  run ${index + 1}: first render ${result.firstRenderMs} ms, worst frame ${result.worstFrameMs} ms, p95 ${result.p95FrameMs} ms, ` +
      `${result.framesOver50ms} of ${result.frames} frames over 50 ms`,
  );
}
