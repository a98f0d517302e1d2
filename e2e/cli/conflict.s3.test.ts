import { closeSync, openSync, utimesSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * A file rewritten while its upload was unfinished: resume must not mix the
 * old parts on the server with the new bytes. It stops the upload as a
 * conflict (exit 3), says what changed, makes no object and keeps the
 * server's multipart upload until the user decides; cancel then removes it.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

interface ConflictStatus extends StatusEntry {
  conflict: string | null;
  expiresAt: string | null;
  targetId: string | null;
}

async function statusOf(stateDir: string): Promise<ConflictStatus[]> {
  const run = await runCli(['status', '--json'], cliEnv(config, stateDir));
  expect(run.code, run.stderr).toBe(0);
  return jsonOutput<ConflictStatus[]>(run);
}

describe('a source changed between runs', () => {
  it('resume stops with a conflict, makes no object and keeps the server upload; cancel then cleans up', async () => {
    const file = join(ws.dir, 'changing.bin');
    const key = 'changing.bin';
    const stateDir = join(ws.dir, 'state-conflict');
    await makeRandomFile(file, 6 * PART + 1);
    const first = await runCli(
      ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');
    const [before] = await statusOf(stateDir);
    expect(before).toMatchObject({ partsDone: 2, conflict: null, targetId: null });
    expect(before?.uploadId).toBeTruthy();
    // The CLI assumes the common 7-day lifecycle rule for unfinished uploads.
    expect(Date.parse(before?.expiresAt ?? '')).toBeGreaterThan(Date.now() + 6 * 24 * 3600 * 1000);

    await makeRandomFile(file, 4 * PART + 7);
    // Said to a person: what changed, and what to type to go on.
    const told = await runCli(['resume'], cliEnv(config, stateDir));
    expect(told.code, told.stderr).toBe(3);
    expect(told.stderr).toMatch(/stopped: .*changed since the upload started.*resume --on-change restart`.*resume --on-change reuse`.*cancel /);
    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(resumed.code, resumed.stderr).toBe(3);
    const [result] = jsonOutput<ResultEntry[]>(resumed);
    expect(result).toMatchObject({ id: before?.id, outcome: 'conflict', bytesSent: 0 });
    expect(result?.error).toMatch(/changed since the upload started \(size \d+ → \d+/);
    const [after] = await statusOf(stateDir);
    expect(after).toMatchObject({ id: before?.id, state: 'conflict', uploadId: before?.uploadId, partsDone: 2 });
    expect(after?.conflict).toBe(result?.error);
    expect(after?.lastError).toBe(result?.error);
    expect(await objectExists(client, ws.bucket, key)).toBe(false);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([{ key, uploadId: before?.uploadId }]);
    expect(integrityCheck(stateDir)).toBe('ok');

    const cancelled = await runCli(['cancel', before?.id as string], cliEnv(config, stateDir));
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    expect(await statusOf(stateDir)).toEqual([]);
  });

  it('--verify all catches bytes changed inside an uploaded part with size and mtime restored (touch -d)', async () => {
    const file = join(ws.dir, 'touched.bin');
    const key = 'touched.bin';
    const stateDir = join(ws.dir, 'state-touched');
    await makeRandomFile(file, 8 * PART + 3);
    const mtime = new Date('2026-01-02T03:04:05Z');
    utimesSync(file, mtime, mtime);
    const first = await runCli(
      ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:7' }),
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');

    // Inside part 4, away from the first and last MiB the fingerprint reads; then the old mtime back.
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.from('not the same bytes'), 0, 18, 3 * PART + 2 * MiB);
    closeSync(fd);
    utimesSync(file, mtime, mtime);

    const resumed = await runCli(['resume', '--json', '--verify', 'all'], cliEnv(config, stateDir));
    expect(resumed.code, resumed.stderr).toBe(3);
    const [result] = jsonOutput<ResultEntry[]>(resumed);
    expect(result).toMatchObject({ outcome: 'conflict', bytesSent: 0 });
    expect(result?.error).toMatch(/part 4 reads differently/);
    expect(await objectExists(client, ws.bucket, key)).toBe(false);
  });
});
