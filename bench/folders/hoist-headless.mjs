// Drives Hoist's headless app as a folder's uploader: today only the app
// sends a folder as one object per file (uploads.add with folderMode
// 'files'); the CLI sends a folder only as one .tar. The app runs under GNU
// time, like every other client (bench/s3/run-measured.mjs's yardstick: user +
// system CPU and peak RSS of the process tree, from start to exit), and is
// spoken to as its UI speaks to it: POST /api/invoke/<name> with the
// x-hoist-token header, and the event stream for progress.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux
const TERMINAL = new Set(['completed', 'failed', 'cancelled', 'conflict', 'missing']);
/** Each running app's signal(name), for killRunningApps. */
const running = new Set();

/** SIGKILLs every app still running (the benchmark's exit on Ctrl-C or failure). */
export function killRunningApps() {
  for (const signal of running) signal('SIGKILL');
  running.clear();
}

/** user + system CPU ticks of one process (all its threads) so far, or NaN when it is gone. */
function cpuTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return NaN;
  }
}

/** The pid of /usr/bin/time's child (the node process), once it has one. */
function childPid(pid) {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ')[0]) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts dist/headless/hoist-headless.mjs on a free port with `stateDir`,
 * waits for its "Hoist is running at" line, and returns a handle:
 * invoke(name, input), events(listener) (resolves once the stream is open;
 * returns close), cpuSeconds() of the node process so far, and stop(), which
 * SIGTERMs it and resolves { exitCode, cpuSeconds, peakRssBytes, output }.
 */
export async function startHeadless({ root, stateDir, env }) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-time-'));
  const timeFile = join(dir, 'time');
  const bundle = join(root, 'dist', 'headless', 'hoist-headless.mjs');
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, '--', process.execPath, bundle, '--no-open', '--port', '0', '--state-dir', stateDir], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.on('close', resolve));
  // Signals go to node itself: GNU time dies of a SIGTERM without passing it on, and the orphaned
  // app would keep our pipes (and so the wait for 'close') open. A stop that hangs ends in SIGKILL.
  let nodePid;
  const signal = (name) => {
    try {
      process.kill((nodePid ??= childPid(child.pid)) ?? child.pid, name);
    } catch {
      // Already gone.
    }
  };
  running.add(signal);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal('SIGKILL');
      reject(new Error(`hoist-headless printed no URL within 60 s\n${output}`));
    }, 60_000);
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      keep(chunk);
      stdout += chunk.toString();
      const match = /Hoist is running at (http:\/\/127\.0\.0\.1:\d+)\/#token=(\S+)/.exec(stdout);
      if (!match) return;
      clearTimeout(timer);
      resolve({ origin: match[1], token: decodeURIComponent(match[2]) });
    });
    exited.then((code) => {
      clearTimeout(timer);
      running.delete(signal);
      reject(new Error(`hoist-headless exited (${code}) before printing its URL\n${output}`));
    });
  });
  nodePid ??= childPid(child.pid);

  async function invoke(name, input = {}) {
    const response = await fetch(`${url.origin}/api/invoke/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hoist-token': url.token },
      body: JSON.stringify(input),
    });
    const envelope = await response.json();
    if (!envelope.ok) throw new Error(`${name}: ${envelope.error.code}: ${envelope.error.message}`);
    return envelope.value;
  }

  /** Server-sent events: listener(name, payload) for each. Resolves with close() once the stream is open. */
  function events(listener) {
    return new Promise((resolve, reject) => {
      const req = request(`${url.origin}/api/events?token=${encodeURIComponent(url.token)}`, (res) => {
        if (res.statusCode !== 200) return reject(new Error(`event stream: HTTP ${res.statusCode}`));
        res.setEncoding('utf8');
        let buffer = '';
        res.on('data', (text) => {
          buffer += text;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = message
              .split('\n')
              .filter((line) => line.startsWith('data: '))
              .map((line) => line.slice(6))
              .join('\n');
            if (data) {
              const { event, payload } = JSON.parse(data);
              listener(event, payload);
            }
          }
        });
        res.on('error', () => undefined);
        resolve(() => req.destroy());
      });
      req.on('error', (error) => reject(error));
      req.end();
    });
  }

  async function stop() {
    signal('SIGTERM');
    const killTimer = setTimeout(() => signal('SIGKILL'), 15_000);
    const exitCode = await exited;
    clearTimeout(killTimer);
    running.delete(signal);
    const timeLines = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n');
    await rm(dir, { recursive: true, force: true });
    const [user, sys, rssKiB] = (timeLines[timeLines.length - 1] ?? '').split(' ').map(Number);
    return { exitCode, cpuSeconds: user + sys, peakRssBytes: rssKiB * 1024, output };
  }

  return {
    invoke,
    events,
    stop,
    exited,
    cpuSeconds: () => (nodePid ? cpuTicks(nodePid) / TICKS_PER_SECOND : NaN),
    output: () => output,
  };
}

/**
 * One folder upload through a started app: saves a target for `prefix`, adds
 * `dir` as separate files, and waits for every one to finish. Times the add
 * request's answer and, from the add request to the last completion (the
 * uploads' own completedAt), the whole upload.
 */
export async function uploadFolder(app, { dir, target, expectedCount, timeoutMs }) {
  await app.invoke('targets.save', { target });
  const rows = new Map();
  let wake = () => undefined;
  const closeEvents = await app.events((name, payload) => {
    if (name !== 'uploads.changed') return;
    for (const row of payload.uploads) rows.set(row.id, row);
    wake();
  });
  try {
    const cpuBefore = app.cpuSeconds();
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const added = await app.invoke('uploads.add', { paths: [dir], targetId: target.id, folderMode: 'files' });
    const addSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (added.rejected.length > 0) throw new Error(`uploads.add rejected ${added.rejected.length} paths, e.g. ${added.rejected[0].path}: ${added.rejected[0].reason}`);
    if (added.added.length !== expectedCount) throw new Error(`uploads.add added ${added.added.length} uploads, not ${expectedCount}`);
    const ids = added.added.map((entry) => entry.id);
    const deadline = Date.now() + timeoutMs;
    let finished = 0;
    for (;;) {
      finished = ids.filter((id) => TERMINAL.has(rows.get(id)?.state)).length;
      if (finished === ids.length) break;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s: ${finished} of ${ids.length} uploads finished`);
      // Events arrive coalesced (~10 a second); a slow poll of the whole list covers a missed one.
      const woken = await Promise.race([new Promise((resolve) => (wake = () => resolve(true))), new Promise((resolve) => setTimeout(resolve, 5000, false)), app.exited.then(() => 'exited')]);
      if (woken === 'exited') throw new Error(`hoist-headless exited during the upload\n${app.output()}`);
      if (woken === false) for (const row of await app.invoke('uploads.list')) rows.set(row.id, row);
    }
    const observedSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const cpuDuringSeconds = app.cpuSeconds() - cpuBefore;
    const final = new Map((await app.invoke('uploads.list')).map((row) => [row.id, row]));
    const notDone = ids.map((id) => final.get(id)).filter((row) => row?.state !== 'completed');
    if (notDone.length > 0) {
      const first = notDone[0];
      throw new Error(`${notDone.length} of ${ids.length} uploads did not complete, e.g. ${first?.path}: ${first?.state} ${first?.lastError ?? ''}`);
    }
    const lastCompletedAt = Math.max(...ids.map((id) => Date.parse(final.get(id).completedAt)));
    await app.invoke('uploads.clearFinished');
    return { wallSeconds: (lastCompletedAt - startedAt) / 1000, addSeconds, observedSeconds, cpuDuringSeconds };
  } finally {
    closeEvents();
  }
}
