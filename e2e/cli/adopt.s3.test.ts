import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, readEvents, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * Lost state: the state database is gone (deleted, a new machine) while the
 * server still holds an unfinished multipart upload of the file. `upload`
 * finds it, verifies its parts against the file and sends only the rest.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;


describe('adopting an unfinished upload after the state database was lost', () => {
  it('continues the server upload, re-sending nothing that verifies', async () => {
    const file = join(ws.dir, 'lost.bin');
    const size = 8 * PART + 99;
    await makeRandomFile(file, size);
    const key = 'lost/lost.bin';
    const stateDir = join(ws.dir, 'state-lost');
    const upload = (extra: string[]): string[] => ['upload', file, `s3://${ws.bucket}/${key}`, '--concurrency', '1', ...extra, ...targetArgs(config)];

    const first = await runCli(upload(['--part-size', '5MiB']), cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:3' }));
    expect(first.signal).toBe('SIGKILL');
    const [before] = await listUnfinishedUploads(client, ws.bucket);
    expect(before?.key).toBe(key);
    await rm(stateDir, { recursive: true, force: true });

    // Another part size on purpose: the server's parts decide how the file is cut.
    const second = await runCli([...upload(['--part-size', '8MiB']), '--json'], cliEnv(config, stateDir));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toContain(`hoist: adopted unfinished upload ${before?.uploadId} from the server (3 parts verified)`);
    const [result] = jsonOutput<ResultEntry[]>(second);
    expect(result).toMatchObject({ outcome: 'completed', partsSkipped: 3, bytesSent: size - 3 * PART });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    expect(integrityCheck(stateDir)).toBe('ok');

    const [status] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect(status).toMatchObject({ state: 'completed', uploadId: before?.uploadId, partsTotal: 9, bytesDone: size });
    expect(readEvents(stateDir)).toContainEqual({
      kind: 'adopted',
      message: `continued unfinished upload ${before?.uploadId} found on the server: 3 parts verified, not sent again`,
    });
  });

  it('starts a fresh upload when the server upload holds another file, and leaves that one alone', async () => {
    const other = join(ws.dir, 'other.bin');
    const file = join(ws.dir, 'mine.bin');
    await makeRandomFile(other, 3 * PART);
    await makeRandomFile(file, 3 * PART);
    const key = 'lost/mine.bin';
    const stateDir = join(ws.dir, 'state-other');
    const args = (path: string): string[] => ['upload', path, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)];

    const first = await runCli(args(other), cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }));
    expect(first.signal).toBe('SIGKILL');
    const [orphan] = await listUnfinishedUploads(client, ws.bucket);
    await rm(stateDir, { recursive: true, force: true });

    const second = await runCli([...args(file), '--json'], cliEnv(config, stateDir));
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('adopted');
    expect(jsonOutput<ResultEntry[]>(second)[0]).toMatchObject({ outcome: 'completed', bytesSent: 3 * PART });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([orphan]);
  });
});
