import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeadObjectCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * `--on-change fail|restart|reuse` against a real server: a file that changed
 * between runs is stopped (exit 3, nothing touched), sent again from the
 * start, or sent again only where its bytes differ; in every case the object
 * is exactly the new file, and a server part whose bytes are not the file's is
 * never trusted.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

interface Case {
  file: string;
  key: string;
  stateDir: string;
}

function caseOf(name: string): Case {
  return { file: join(ws.dir, `${name}.bin`), key: `${name}.bin`, stateDir: join(ws.dir, `state-${name}`) };
}

function uploadArgs(c: Case, ...extra: string[]): string[] {
  return ['upload', c.file, `s3://${ws.bucket}/${c.key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config), ...extra];
}

/** Starts the upload and SIGKILLs it from inside after the Nth part is recorded. */
async function killedAfterPart(c: Case, size: number, parts: number): Promise<StatusEntry> {
  await makeRandomFile(c.file, size);
  const first = await runCli(uploadArgs(c), cliEnv(config, c.stateDir, { HOIST_CRASH_AT: `part-recorded:${parts}` }));
  expect(first.signal, first.stderr).toBe('SIGKILL');
  const status = await statusOf(c);
  expect(status).toMatchObject({ partsDone: parts });
  expect(status.uploadId).toBeTruthy();
  return status;
}

async function statusOf(c: Case): Promise<StatusEntry> {
  const run = await runCli(['status', '--json'], cliEnv(config, c.stateDir));
  expect(run.code, run.stderr).toBe(0);
  const [status] = jsonOutput<StatusEntry[]>(run);
  return status as StatusEntry;
}

function resultOf(run: { code: number | null; stdout: string; stderr: string; signal: NodeJS.Signals | null }, code: number): ResultEntry {
  expect(run.code, run.stderr).toBe(code);
  const [result] = jsonOutput<ResultEntry[]>(run);
  return result as ResultEntry;
}

/** What the state database recorded, read as another process would. */
function recorded(stateDir: string): { etag: string | null; events: string[] } {
  const db = new Database(join(stateDir, 'state.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    const { etag } = db.prepare('SELECT etag FROM uploads').get() as { etag: string | null };
    const events = (db.prepare('SELECT message FROM events ORDER BY at, id').all() as Array<{ message: string }>).map((row) => row.message);
    return { etag, events };
  } finally {
    db.close();
  }
}

/** S3's multipart ETag of the file cut into 5 MiB parts: MD5 of the parts' MD5s, dash, part count. */
function multipartEtagOf(file: string): string {
  const bytes = readFileSync(file);
  const digests: Buffer[] = [];
  for (let offset = 0; offset < bytes.length; offset += PART) digests.push(createHash('md5').update(bytes.subarray(offset, offset + PART)).digest());
  return `${createHash('md5').update(Buffer.concat(digests)).digest('hex')}-${digests.length}`;
}

/** The object is the file, and the ETag recorded at completion is the server's multipart ETag of the file's parts. */
async function expectObjectIsFile(c: Case): Promise<void> {
  expect(await objectDigest(client, ws.bucket, c.key)).toEqual(await fileDigest(c.file));
  const head = await client.send(new HeadObjectCommand({ Bucket: ws.bucket, Key: c.key }));
  const expected = multipartEtagOf(c.file);
  expect(head.ETag?.replace(/"/g, '')).toBe(expected);
  // RGW answers Complete with an empty ETag: what is recorded must come from the HeadObject check after it.
  expect(recorded(c.stateDir).etag?.replace(/"/g, '')).toBe(expected);
  expect((await listUnfinishedUploads(client, ws.bucket)).filter((upload) => upload.key === c.key)).toEqual([]);
  expect(integrityCheck(c.stateDir)).toBe('ok');
}

describe('--on-change', () => {
  it('fail (the default): exit 3, no object, the server upload kept; resume --on-change restart then settles it', async () => {
    const c = caseOf('fail');
    const before = await killedAfterPart(c, 6 * PART + 1, 2);
    appendFileSync(c.file, randomBytes(1000));

    for (const args of [['resume', '--json'], ['resume', '--json', '--on-change', 'fail']]) {
      const result = resultOf(await runCli(args, cliEnv(config, c.stateDir)), 3);
      expect(result).toMatchObject({ id: before.id, outcome: 'conflict', bytesSent: 0 });
      expect(result.error).toMatch(/changed since the upload started/);
      expect(await statusOf(c)).toMatchObject({ state: 'conflict', uploadId: before.uploadId, partsDone: 2 });
      expect(await objectExists(client, ws.bucket, c.key)).toBe(false);
      expect((await listUnfinishedUploads(client, ws.bucket)).filter((upload) => upload.key === c.key)).toEqual([{ key: c.key, uploadId: before.uploadId }]);
    }

    // An upload an earlier run left in conflict is settled by the choice given now.
    const settled = resultOf(await runCli(['resume', '--json', '--on-change', 'restart'], cliEnv(config, c.stateDir)), 0);
    expect(settled).toMatchObject({ id: before.id, outcome: 'completed', bytesSent: 6 * PART + 1001 });
    await expectObjectIsFile(c);
  });

  it('restart: the old multipart upload is aborted, the whole new file is sent, the object is the new file', async () => {
    const c = caseOf('restart');
    const before = await killedAfterPart(c, 6 * PART + 1, 3);
    await makeRandomFile(c.file, 4 * PART + 77);

    const result = resultOf(await runCli([...uploadArgs(c, '--on-change', 'restart'), '--json'], cliEnv(config, c.stateDir)), 0);

    expect(result).toMatchObject({ id: before.id, outcome: 'completed', bytesSent: 4 * PART + 77 });
    const after = await statusOf(c);
    expect(after).toMatchObject({ state: 'completed', bytesTotal: 4 * PART + 77, restarts: before.restarts });
    expect(after.uploadId).not.toBe(before.uploadId);
    await expectObjectIsFile(c);
  });

  // A log that grew: the parts still whole at the same place are kept; a partial old last part changes.
  for (const { recordedParts, kept } of [
    { recordedParts: 3, kept: 3 },
    { recordedParts: 7, kept: 6 },
  ]) {
    it(`reuse on an appended file with ${recordedParts} parts recorded: sends only the ${kept === 6 ? 'old last and new' : 'remaining'} parts`, async () => {
      const c = caseOf(`reuse-${recordedParts}`);
      const oldSize = 6 * PART + 1234;
      const before = await killedAfterPart(c, oldSize, recordedParts);
      appendFileSync(c.file, randomBytes(2 * MiB + 5));
      const newSize = oldSize + 2 * MiB + 5;

      const result = resultOf(await runCli(['resume', '--json', '--on-change', 'reuse'], cliEnv(config, c.stateDir)), 0);

      // Parts 1..kept stay on the server; the rest of the new file is sent exactly once.
      expect(result).toMatchObject({ id: before.id, outcome: 'completed', partsSkipped: kept, bytesSent: newSize - kept * PART });
      const after = await statusOf(c);
      expect(after).toMatchObject({ state: 'completed', bytesTotal: newSize, partsTotal: 7, uploadId: before.uploadId });
      expect(recorded(c.stateDir).events).toContain(`the source changed; kept ${kept} parts that still match, re-sending the rest`);
      await expectObjectIsFile(c);
    });
  }

  it('a server part whose bytes are not the file’s (written over the recorded upload between sessions) is sent again', async () => {
    const c = caseOf('wrong-bytes');
    const size = 6 * PART + 7;
    const before = await killedAfterPart(c, size, 3);
    // Part 2 is recorded done; part 5 was never sent. Both get bytes of the right size but the wrong content.
    for (const partNumber of [2, 5]) {
      await client.send(
        new UploadPartCommand({ Bucket: ws.bucket, Key: c.key, UploadId: before.uploadId as string, PartNumber: partNumber, Body: randomBytes(PART) }),
      );
    }

    const result = resultOf(await runCli(['resume', '--json'], cliEnv(config, c.stateDir)), 0);

    // Only parts 1 and 3 are trusted.
    expect(result).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: size - 2 * PART });
    await expectObjectIsFile(c);
  });
});
