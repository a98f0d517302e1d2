import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, spawnCli, targetArgs } from '../support/cli-runner.ts';
import type { CliRun, ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * Two Hoist processes on one state directory: never two writers. The second
 * is refused at once with a message naming the first; `status` still reads.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

async function waitFor(path: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!existsSync(path)) {
    if (Date.now() > deadline) throw new Error(`${path} did not appear`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function expectRefused(run: CliRun, pid: number, stateDir: string): void {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, run.stderr).toBe(1);
  expect(run.stdout).toBe('');
  expect(run.stderr).toBe(
    `hoist: another Hoist (pid ${pid}, hoist upload) is using the state directory ${stateDir}; only one Hoist writes to it at a time. ` +
      'Wait until it finishes (or stop it), then try again; `hoist status` works meanwhile.\n',
  );
}

describe('two Hoist processes on one state directory', () => {
  it('refuses every second writer while an upload runs, lets status and orphan listing read, and the first finishes', async () => {
    const stateDir = join(ws.dir, 'state-shared');
    const first = join(ws.dir, 'first.bin');
    const second = join(ws.dir, 'second.bin');
    await makeRandomFile(first, 3 * PART + 17);
    await makeRandomFile(second, 1234);
    const flag = join(ws.dir, 'release-first');
    const env = cliEnv(config, stateDir);

    // The first upload holds after its first part is recorded, until the flag exists.
    const { child, done } = spawnCli(
      ['upload', first, `s3://${ws.bucket}/first.bin`, '--part-size', '5MiB', '--concurrency', '1', '--json', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_HOLD_AT: `part-recorded:1:${flag}` }),
    );
    try {
      await waitFor(`${flag}.held`);
      const pid = child.pid as number;

      expectRefused(await runCli(['upload', second, `s3://${ws.bucket}/second.bin`, ...targetArgs(config)], env), pid, stateDir);
      expectRefused(await runCli(['resume', ...targetArgs(config)], env), pid, stateDir);
      expectRefused(await runCli(['orphans', `s3://${ws.bucket}`, '--abort-all', ...targetArgs(config)], env), pid, stateDir);
      const status = await runCli(['status', '--json'], env);
      expect(status.code, status.stderr).toBe(0);
      const [entry] = jsonOutput<StatusEntry[]>(status);
      expectRefused(await runCli(['cancel', entry?.id ?? ''], env), pid, stateDir);
      expect(entry).toMatchObject({ path: first, state: 'uploading', partsDone: 1 });
      const orphans = await runCli(['orphans', `s3://${ws.bucket}`, '--json', ...targetArgs(config)], env);
      expect(orphans.code, orphans.stderr).toBe(0);
      expect(jsonOutput<Array<{ hoistId: string | null }>>(orphans)).toEqual([expect.objectContaining({ hoistId: entry?.id })]);
      // Nothing of the refused upload reached the server.
      expect(await objectExists(client, ws.bucket, 'second.bin')).toBe(false);
    } finally {
      writeFileSync(flag, '');
    }

    const run = await done;
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(run)[0]).toMatchObject({ outcome: 'completed', bytesSent: 3 * PART + 17 });
    expect(await objectDigest(client, ws.bucket, 'first.bin')).toEqual(await fileDigest(first));

    // The first is gone: the next writer is let in.
    const after = await runCli(['upload', second, `s3://${ws.bucket}/second.bin`, ...targetArgs(config)], env);
    expect(after.code, after.stderr).toBe(0);
    expect(await objectDigest(client, ws.bucket, 'second.bin')).toEqual(await fileDigest(second));
    expect(integrityCheck(stateDir)).toBe('ok');
  });

  it('a writer killed with SIGKILL blocks nobody: its lock file names a dead process and the next resume goes ahead', async () => {
    const stateDir = join(ws.dir, 'state-killed');
    const file = join(ws.dir, 'killed.bin');
    await makeRandomFile(file, 4 * PART + 5);
    const killed = spawnCli(
      ['upload', file, `s3://${ws.bucket}/killed.bin`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
    );
    const first = await killed.done;
    expect(first.signal).toBe('SIGKILL');
    const lock = new Database(join(stateDir, 'state.lock'), { readonly: true });
    try {
      expect(lock.prepare('SELECT pid, what FROM owner').get()).toEqual({ pid: killed.child.pid, what: 'hoist upload' });
    } finally {
      lock.close();
    }

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', bytesSent: 2 * PART + 5 });
    expect(await objectDigest(client, ws.bucket, 'killed.bin')).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });
});
