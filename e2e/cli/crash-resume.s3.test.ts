import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { AbortMultipartUploadCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, readPartStates, runCli, spawnCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * The promise at the heart of Hoist: kill the process for real at any moment,
 * run `resume`, and the object is byte-identical to the file, with at most the
 * parts that were in flight sent twice. Here: kills polled from the state
 * database, a server that lost the upload meanwhile, and SIGINT. A kill at
 * every named stage of an upload's life (a part stored but not recorded,
 * Complete done but not recorded, …) is in crash-matrix; random kills over
 * several files in crash-soak.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

interface Setup {
  file: string;
  key: string;
  stateDir: string;
  env: NodeJS.ProcessEnv;
  size: number;
}

async function setup(name: string, size: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<Setup> {
  const file = join(ws.dir, `${name}.bin`);
  await makeRandomFile(file, size);
  const stateDir = join(ws.dir, `state-${name}`);
  return { file, key: `${name}.bin`, stateDir, env: cliEnv(config, stateDir, extraEnv), size };
}

function uploadArgs(s: Setup, concurrency: number): string[] {
  return ['upload', s.file, `s3://${ws.bucket}/${s.key}`, '--part-size', '5MiB', '--concurrency', String(concurrency), ...targetArgs(config)];
}

/** Sums part sizes by state, as the killed process left them in the database. */
function bytesByState(stateDir: string): Record<string, number> {
  const totals: Record<string, number> = { done: 0, uploading: 0, pending: 0 };
  for (const part of readPartStates(stateDir)) totals[part.state] = (totals[part.state] ?? 0) + part.size;
  return totals;
}

async function resumeAndVerify(s: Setup): Promise<ResultEntry> {
  const run = await runCli(['resume', '--json'], cliEnv(config, s.stateDir));
  expect(run.code, run.stderr).toBe(0);
  const [result] = jsonOutput<ResultEntry[]>(run);
  expect(result?.outcome).toBe('completed');
  expect(await objectDigest(client, ws.bucket, s.key)).toEqual(await fileDigest(s.file));
  expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  expect(integrityCheck(s.stateDir)).toBe('ok');
  const [status] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, s.stateDir)));
  expect(status).toMatchObject({ state: 'completed', bytesDone: s.size, partsDone: status?.partsTotal });
  return result as ResultEntry;
}

describe('crash and resume', () => {
  // Kill points: a part in flight before any finished, about a third done, about two thirds done.
  const killPoints = [
    { name: 'first-part-in-flight', ready: (t: Record<string, number>) => (t.uploading ?? 0) > 0 && t.done === 0 },
    { name: 'third-done', ready: (t: Record<string, number>) => (t.done ?? 0) >= 10 * PART },
    { name: 'two-thirds-done', ready: (t: Record<string, number>) => (t.done ?? 0) >= 20 * PART },
  ];
  const concurrency = 4;

  for (const point of killPoints) {
    it(`SIGKILL when ${point.name}: resume completes, re-sending at most the parts in flight`, async () => {
      const s = await setup(`kill-${point.name}`, 30 * PART + 4321);
      const { child, done } = spawnCli(uploadArgs(s, concurrency), s.env);
      let killed = false;
      while (!killed) {
        const exited = await Promise.race([done.then(() => true), delay(5).then(() => false)]);
        if (exited) throw new Error('the upload finished before the kill point was reached');
        let totals: Record<string, number>;
        try {
          totals = bytesByState(s.stateDir);
        } catch {
          continue; // the database is not created yet
        }
        if (point.ready(totals)) {
          child.kill('SIGKILL');
          killed = true;
        }
      }
      const first = await done;
      expect(first.signal).toBe('SIGKILL');

      const atKill = bytesByState(s.stateDir);
      expect(atKill.uploading).toBeLessThanOrEqual(concurrency * PART);
      const result = await resumeAndVerify(s);
      // Everything never started must be sent; of what was in flight, at most all of it again; nothing already done.
      const resent = result.bytesSent - (atKill.pending ?? 0);
      expect(resent).toBeGreaterThanOrEqual(0);
      expect(resent).toBeLessThanOrEqual(atKill.uploading ?? 0);
      expect(resent).toBeLessThanOrEqual(concurrency * PART);
    });
  }

  it('completes the upload with a fresh multipart upload when the server aborted it between sessions, and says so', async () => {
    const s = await setup('aborted', 6 * PART + 1, { HOIST_CRASH_AT: 'part-recorded:2' });
    const first = await runCli(uploadArgs(s, 1), s.env);
    expect(first.signal).toBe('SIGKILL');
    const [before] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, s.stateDir)));
    expect(before?.uploadId).toBeTruthy();
    await client.send(new AbortMultipartUploadCommand({ Bucket: ws.bucket, Key: s.key, UploadId: before?.uploadId as string }));

    const result = await resumeAndVerify(s);
    expect(result.restarted).toBe(true);
    expect(result.bytesSent).toBe(s.size);
    const [after] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, s.stateDir)));
    expect(after?.restarts).toBe(1);
    expect(after?.uploadId).not.toBe(before?.uploadId);
  });

  it('SIGINT stops starting parts, records state and exits 130; resume finishes', async () => {
    const s = await setup('sigint', 20 * PART);
    const { child, done } = spawnCli(uploadArgs(s, 2), s.env);
    for (;;) {
      await delay(5);
      try {
        if ((bytesByState(s.stateDir).done ?? 0) >= 2 * PART) break;
      } catch {
        // not created yet
      }
    }
    child.kill('SIGINT');
    const first = await done;
    expect(first.code).toBe(130);
    const atStop = bytesByState(s.stateDir);
    expect(atStop.uploading).toBe(0);
    const [status] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, s.stateDir)));
    expect(status?.state).toBe('queued');
    await resumeAndVerify(s);
  });
});
