// One run of Hoist's CLI bundle as the benchmark needs it: under GNU time
// (peak RSS `%M` and CPU of the node process, as bench/s3/run-measured.mjs
// measures every client), optionally on a pseudo-terminal (util-linux
// `script`), because the CLI draws its folder progress line only when stderr
// is a terminal, and killable with SIGKILL at any moment: the signal goes to
// the node process itself, found under the wrappers, never to `time` or
// `script` (a killed wrapper would leave Hoist running).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const NODE = realpathSync(process.execPath);
/** Each running CLI's kill(), so the benchmark's exit on Ctrl-C or failure leaves none behind. */
const running = new Set();

export function killRunningClis() {
  for (const kill of running) kill();
  running.clear();
}

function children(pid) {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** The first process under `pid` (itself included) whose executable is node. */
function findNode(pid) {
  try {
    if (readlinkSync(`/proc/${pid}/exe`) === NODE) return pid;
  } catch {
    return undefined;
  }
  for (const child of children(pid)) {
    const found = findNode(child);
    if (found) return found;
  }
  return undefined;
}

const shellQuote = (word) => `'${String(word).replaceAll("'", "'\\''")}'`;

/** On a terminal the progress line is erased (ESC [K) before the CLI's own lines: what follows the last erase is what shows. */
const ERASE = '\u001b[K';
const shownPart = (line) => (line.includes(ERASE) ? line.slice(line.lastIndexOf(ERASE) + ERASE.length) : line);

/** The summary line the CLI prints for a finished folder, e.g. "completed folder … (2000 file(s) sent (…), 0 already there; …)". */
function folderSummary(output) {
  return output
    .split(/\r?\n/)
    .map(shownPart)
    .find((line) => /^(completed|asking|failed|paused|cancelled|conflict|stopped) folder /.test(line));
}

/**
 * Starts `invocation` ({ command, args, env }, bench/s3/clients.mjs's
 * hoistInvocation). Returns { startedAt, kill(signal), done }; done resolves
 * { exitCode, killed, wallSeconds, cpuSeconds, peakRssBytes, firstProgressAt,
 * summary, output }. Times are ms of process.hrtime, like the proxy's.
 */
export function startCli(invocation, { pty = false } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-bench-resume-time-'));
  const timeFile = join(dir, 'time');
  const timed = ['/usr/bin/time', '-f', '%U %S %M', '-o', timeFile, '--', invocation.command, ...invocation.args];
  const [command, ...args] = pty ? ['script', '-qfec', timed.map(shellQuote).join(' '), '/dev/null'] : timed;
  const startedAt = nowMs();
  const child = spawn(command, args, { env: invocation.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let firstProgressAt = null;
  const keep = (chunk) => {
    const text = chunk.toString();
    // The folder line: "12/100000 files (walking…)  12 KiB/…".
    if (firstProgressAt === null && /\d+\/\d+ files/.test(output.slice(-200) + text)) firstProgressAt = nowMs();
    output = (output + text).slice(-16_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let nodePid;
  let killed = false;
  const kill = (signal = 'SIGKILL') => {
    nodePid ??= findNode(child.pid);
    killed = true;
    try {
      process.kill(nodePid ?? child.pid, signal);
    } catch {
      // Already gone.
    }
  };
  running.add(kill);
  const done = new Promise((resolve) => {
    child.on('close', (exitCode) => {
      const wallSeconds = (nowMs() - startedAt) / 1000;
      running.delete(kill);
      const timeLines = (() => {
        try {
          return readFileSync(timeFile, 'utf8').trim().split('\n');
        } catch {
          return [];
        }
      })();
      rmSync(dir, { recursive: true, force: true });
      // GNU time first says "Command terminated by signal 9" (or "exited with non-zero status") when it did.
      const [user, sys, rssKiB] = (timeLines[timeLines.length - 1] ?? '').split(' ').map(Number);
      resolve({ exitCode, killed, wallSeconds, cpuSeconds: user + sys, peakRssBytes: rssKiB * 1024, firstProgressAt, summary: folderSummary(output), output });
    });
  });
  return { startedAt, kill, done };
}
