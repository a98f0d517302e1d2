// Runs one client command under GNU time, which reports what the kernel
// accounted to the whole waited-for process tree (user + system CPU) and the
// peak RSS of its largest process: the same yardstick for a Python CLI, a Go
// binary and a Node process, with nothing running inside the client.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serverCpuTicks } from './rgw.mjs';

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

/** Runs `command` and resolves { ok, wallSeconds, cpuSeconds, peakRssBytes, serverCpuSeconds, output }. */
export async function runMeasured({ command, args, env, cwd }) {
  const dir = await mkdtemp(join(tmpdir(), 'hoist-bench-time-'));
  const timeFile = join(dir, 'time');
  const serverBefore = serverCpuTicks();
  const started = process.hrtime.bigint();
  const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, '--', command, ...args], {
    env,
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // Keep only the tail: progress meters can print a lot, and only the end explains a failure.
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  const serverCpuSeconds = (serverCpuTicks() - serverBefore) / TICKS_PER_SECOND;
  const timeLines = (await readFile(timeFile, 'utf8').catch(() => '')).trim().split('\n');
  await rm(dir, { recursive: true, force: true });
  // GNU time prints "Command exited with non-zero status N" before the figures when the command fails.
  const [user, sys, rssKiB] = (timeLines[timeLines.length - 1] ?? '').split(' ').map(Number);
  return {
    ok: code === 0,
    exitCode: code,
    wallSeconds,
    cpuSeconds: (user ?? NaN) + (sys ?? NaN),
    peakRssBytes: (rssKiB ?? NaN) * 1024,
    serverCpuSeconds,
    output,
  };
}
