import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cliEnv, readEvents, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * A server holding parts outside an upload's plan (issue 14, point 1). Ceph
 * RGW refuses a CompleteMultipartUpload that does not list every part it
 * holds ("total parts mismatch", InvalidPart), so such an upload used to fail
 * on every resume. Each of the three ways it happened now ends with the
 * file's bytes at the key, no multipart upload of Hoist's left, and the
 * record saying what was found.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;


function uploadArgs(file: string, key: string, extra: string[] = []): string[] {
  return ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...extra, ...targetArgs(config)];
}

/** Uploads `file` until part `parts` is recorded, then SIGKILL: the server holds parts 1..parts of Hoist's upload. */
async function killedAfterPart(file: string, key: string, stateDir: string, parts: number): Promise<string> {
  const run = await runCli(uploadArgs(file, key), cliEnv(config, stateDir, { HOIST_CRASH_AT: `part-recorded:${parts}` }));
  expect(run.signal).toBe('SIGKILL');
  const [upload] = (await listUnfinishedUploads(client, ws.bucket)).filter((found) => found.key === key);
  expect(upload).toBeDefined();
  return upload?.uploadId as string;
}

describe('parts on the server outside the upload’s plan (RGW)', () => {
  it('another tool put a part past the plan into Hoist’s upload: resume starts again and completes', async () => {
    const file = join(ws.dir, 'intruded.bin');
    await makeRandomFile(file, 3 * PART + 99);
    const key = 'stray/intruded.bin';
    const stateDir = join(ws.dir, 'state-intruded');
    const uploadId = await killedAfterPart(file, key, stateDir, 2);
    await client.send(new UploadPartCommand({ Bucket: ws.bucket, Key: key, UploadId: uploadId, PartNumber: 26, Body: randomBytes(1000) }));

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed' });
    expect(resumed.stderr).toContain(`the server's multipart upload ${uploadId} holds part 26 outside this upload's plan of 4 parts`);
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect((await listUnfinishedUploads(client, ws.bucket)).filter((found) => found.key === key)).toEqual([]);
    expect(readEvents(stateDir)).toContainEqual({
      kind: 'restarted',
      message: expect.stringContaining(`holds part 26 outside this upload's plan of 4 parts (uploaded by another tool, or left by a longer version of the file)`),
    });
    expect(integrityCheck(stateDir)).toBe('ok');
  });

  it('another tool’s unfinished upload of a longer file is not adopted by a fresh state directory; the upload says what it found', async () => {
    const file = join(ws.dir, 'shorter.bin');
    await makeRandomFile(file, 4 * PART + 99);
    const longer = Buffer.concat([readFileSync(file).subarray(0, 4 * PART), randomBytes(4 * PART)]);
    const key = 'stray/shorter.bin';
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: ws.bucket, Key: key }));
    for (let partNumber = 1; partNumber <= 8; partNumber += 1) {
      const Body = longer.subarray((partNumber - 1) * PART, partNumber * PART);
      await client.send(new UploadPartCommand({ Bucket: ws.bucket, Key: key, UploadId, PartNumber: partNumber, Body }));
    }
    const stateDir = join(ws.dir, 'state-shorter');

    const run = await runCli([...uploadArgs(file, key), '--json'], cliEnv(config, stateDir));

    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toContain('adopted unfinished upload');
    expect(jsonOutput<ResultEntry[]>(run)[0]).toMatchObject({ outcome: 'completed', bytesSent: 4 * PART + 99 });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect(readEvents(stateDir)).toContainEqual({
      kind: 'not-adopted',
      message: `not continued from the server: ${UploadId}: it holds 8 parts, parts 6-8 beyond the 5 this file of ${4 * PART + 99} bytes has (an upload of a longer file?), so it could not be completed with this file's parts; left as it is`,
    });
    // The other tool's upload is its own: left on the server, and `orphans --adopt` says why it will not take it.
    expect((await listUnfinishedUploads(client, ws.bucket)).filter((found) => found.key === key).map((found) => found.uploadId)).toEqual([UploadId]);
    const adopt = await runCli(['orphans', `s3://${ws.bucket}/stray/`, '--adopt', UploadId as string, file, ...targetArgs(config)], cliEnv(config, stateDir));
    expect(adopt.code).not.toBe(0);
    expect(adopt.stderr).toContain('parts 6-8 beyond the 5 this file');
    await client.send(new AbortMultipartUploadCommand({ Bucket: ws.bucket, Key: key, UploadId }));
  });

  it('a file that shrank, continued with --on-change reuse while the server holds its old later parts: completes', async () => {
    const file = join(ws.dir, 'shrank.bin');
    await makeRandomFile(file, 3 * PART + 99);
    const key = 'stray/shrank.bin';
    const stateDir = join(ws.dir, 'state-shrank');
    const uploadId = await killedAfterPart(file, key, stateDir, 3);
    writeFileSync(file, readFileSync(file).subarray(0, PART + 2 * MiB));

    const resumed = await runCli(['resume', '--json', '--on-change', 'reuse'], cliEnv(config, stateDir));

    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed' });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect((await listUnfinishedUploads(client, ws.bucket)).filter((found) => found.key === key)).toEqual([]);
    expect(readEvents(stateDir)).toContainEqual({
      kind: 'restarted',
      message: expect.stringContaining(`the server's multipart upload ${uploadId} holds part 3 outside this upload's plan of 2 parts`),
    });
  });
});
