import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * What Hoist finds out about the target and records per part, and a source
 * that goes missing between runs, against the real server.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

function readState<T>(stateDir: string, sql: string): T[] {
  const db = new Database(join(stateDir, 'state.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

/** Whether the server refuses a part with a wrong value of the header, asked with the plain SDK (not Hoist's probe). */
async function refusesWrong(s3: S3Client, bucket: string, header: 'md5' | 'sha256'): Promise<boolean> {
  const key = `oracle-${header}`;
  const body = Buffer.from('oracle body');
  const wrong = Buffer.from('other');
  const created = await s3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ...(header === 'sha256' ? { ChecksumAlgorithm: 'SHA256' as const } : {}) }));
  try {
    await s3.send(
      new UploadPartCommand({
        Bucket: bucket,
        Key: key,
        UploadId: created.UploadId,
        PartNumber: 1,
        Body: body,
        ...(header === 'md5'
          ? { ContentMD5: createHash('md5').update(wrong).digest('base64') }
          : { ChecksumSHA256: createHash('sha256').update(wrong).digest('base64') }),
      }),
    );
    return false;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 400) return true;
    throw error;
  } finally {
    await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: created.UploadId }));
  }
}

describe('integrity against the real server', () => {
  it('probes the target once, agrees with the server’s own answers, and records each part’s SHA-256', async () => {
    const stateDir = join(ws.dir, 'state-probe');
    const files = ['one.bin', 'two.bin'].map((name) => join(ws.dir, name));
    for (const file of files) await makeRandomFile(file, 2 * PART + 123);
    for (const file of files) {
      const run = await runCli(['upload', file, `s3://${ws.bucket}/probe/${file.slice(-7)}`, '--part-size', '5MiB', ...targetArgs(config)], cliEnv(config, stateDir));
      expect(run.code, run.stderr).toBe(0);
    }

    const [caps, ...more] = readState<{ endpoint: string; bucket: string; data: string }>(stateDir, 'SELECT endpoint, bucket, data FROM target_capabilities');
    expect(more).toEqual([]);
    expect(caps).toMatchObject({ endpoint: config.endpoint ?? '', bucket: ws.bucket });
    const found = JSON.parse(caps?.data ?? '{}') as Record<string, unknown>;
    expect(found.contentMd5).toBe((await refusesWrong(client, ws.bucket, 'md5')) ? 'verified' : 'ignored');
    const sha256Refused = await refusesWrong(client, ws.bucket, 'sha256');
    expect(found.checksumSha256 === 'verified').toBe(sha256Refused);
    if (config.rgwDir) {
      // What ../shared/notes/s3-test-server.md measured for RGW 16.2.
      expect(found).toEqual({ contentMd5: 'verified', checksumSha256: 'ignored', returnsChecksums: false, etagIsMd5: true });
    }
    // One probe, for the first upload; its throwaway uploads are gone.
    expect(readState<{ n: number }>(stateDir, `SELECT COUNT(*) AS n FROM events WHERE kind = 'probed'`)[0]?.n).toBe(1);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);

    const parts = readState<{ path: string; offset: number; size: number; checksum: string; checksum_algorithm: string | null }>(
      stateDir,
      'SELECT u.path, p."offset", p.size, p.checksum, u.checksum_algorithm FROM parts p JOIN uploads u ON u.id = p.upload_record_id',
    );
    expect(parts).toHaveLength(6);
    for (const part of parts) {
      const bytes = readFileSync(part.path).subarray(part.offset, part.offset + part.size);
      expect(part.checksum).toBe(`sha256:${createHash('sha256').update(bytes).digest('hex')}`);
      expect(part.checksum_algorithm).toBe(sha256Refused ? 'sha256' : null);
    }
  });

  it('a source moved away is missing, not failed or forgotten; once back, only the rest is sent', async () => {
    const file = join(ws.dir, `moving-${randomBytes(3).toString('hex')}.bin`);
    const key = 'moving.bin';
    const stateDir = join(ws.dir, 'state-missing');
    await makeRandomFile(file, 4 * PART + 99);
    const first = await runCli(
      ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');
    renameSync(file, `${file}.away`);

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));
    expect(resumed.code).toBe(1);
    const [result] = jsonOutput<ResultEntry[]>(resumed);
    expect(result?.error).toMatch(/^source missing: file not found: .*moving-.*\.bin; the upload is kept/);
    const status = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect(status).toEqual([expect.objectContaining({ state: 'missing', partsDone: 2, lastError: result?.error })]);
    expect((await listUnfinishedUploads(client, ws.bucket)).map((upload) => upload.uploadId)).toEqual([status[0]?.uploadId]);

    renameSync(`${file}.away`, file);
    const back = await runCli(['resume', '--json'], cliEnv(config, stateDir));
    expect(back.code, back.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(back)[0]).toMatchObject({ outcome: 'completed', bytesSent: 2 * PART + 99, partsSkipped: 2 });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });
});
