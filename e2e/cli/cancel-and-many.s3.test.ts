import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

/** Starts an upload and kills it (for real) after its second part is recorded. */
async function interruptedUpload(stateDir: string, name: string, size: number): Promise<string> {
  const file = join(ws.dir, name);
  await makeRandomFile(file, size);
  const env = cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' });
  const run = await runCli(['upload', file, `s3://${ws.bucket}/${name}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)], env);
  expect(run.signal).toBe('SIGKILL');
  return file;
}

describe('several uploads and cancel', () => {
  it('resume runs every unfinished upload in the database to completion', async () => {
    const stateDir = join(ws.dir, 'state-many');
    const files = [
      { name: 'many-a.bin', size: 4 * PART + 1 },
      { name: 'many-b.bin', size: 5 * PART },
      { name: 'many-c.bin', size: 3 * PART + 777 },
    ];
    for (const file of files) await interruptedUpload(stateDir, file.name, file.size);
    const before = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect(before.map((upload) => upload.partsDone)).toEqual([2, 2, 2]);

    const run = await runCli(['resume', '--json', '--concurrency', '3'], cliEnv(config, stateDir));
    expect(run.code, run.stderr).toBe(0);
    const results = jsonOutput<ResultEntry[]>(run);
    expect(results.map((result) => result.outcome)).toEqual(['completed', 'completed', 'completed']);
    for (const file of files) {
      expect(await objectDigest(client, ws.bucket, file.name)).toEqual(await fileDigest(join(ws.dir, file.name)));
    }
    // Each sent only what the first run had not finished.
    expect(results.map((result) => result.bytesSent).sort((a, b) => a - b)).toEqual(
      files.map((file) => file.size - 2 * PART).sort((a, b) => a - b),
    );
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    expect(integrityCheck(stateDir)).toBe('ok');
  });

  it('cancel aborts the multipart upload on the server and forgets it locally', async () => {
    const stateDir = join(ws.dir, 'state-cancel');
    await interruptedUpload(stateDir, 'cancel-me.bin', 4 * PART);
    const [upload] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect((await listUnfinishedUploads(client, ws.bucket)).map((u) => u.uploadId)).toContain(upload?.uploadId);

    const run = await runCli(['cancel', upload?.id as string], cliEnv(config, stateDir));
    expect(run.code, run.stderr).toBe(0);
    expect((await listUnfinishedUploads(client, ws.bucket)).map((u) => u.uploadId)).not.toContain(upload?.uploadId);
    expect(jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)))).toEqual([]);
    expect(await objectExists(client, ws.bucket, 'cancel-me.bin')).toBe(false);
    // Nothing left to resume.
    const resume = await runCli(['resume', '--json'], cliEnv(config, stateDir));
    expect(jsonOutput<ResultEntry[]>(resume)).toEqual([]);
  });

  it('cancel of an unknown id fails with a clear message', async () => {
    const run = await runCli(['cancel', 'nope'], cliEnv(config, join(ws.dir, 'state-unknown')));
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/no upload with id nope/);
  });
});
