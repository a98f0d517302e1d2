import { join } from 'node:path';
import { CreateMultipartUploadCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/** `orphans`: unfinished multipart uploads on the server, listed, aborted and adopted. */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

interface OrphanEntry {
  key: string;
  uploadId: string;
  initiated: number | null;
  started: string | null;
  parts: number;
  bytes: number;
  hoistId: string | null;
}

async function createUpload(key: string): Promise<string> {
  const output = await client.send(new CreateMultipartUploadCommand({ Bucket: ws.bucket, Key: key }));
  return output.UploadId as string;
}

async function serverUploads(prefix: string): Promise<string[]> {
  const output = await client.send(new ListMultipartUploadsCommand({ Bucket: ws.bucket, Prefix: prefix }));
  return (output.Uploads ?? []).map((upload) => upload.UploadId as string);
}

describe('orphans', () => {
  it('lists, aborts one, aborts all older than a duration, and adopts one for resume', async () => {
    const file = join(ws.dir, 'a.bin');
    const size = 4 * PART + 17;
    await makeRandomFile(file, size);
    const crashDir = join(ws.dir, 'state-crash');
    const crashed = await runCli(
      ['upload', file, `s3://${ws.bucket}/orph/a.bin`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, crashDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
    );
    expect(crashed.signal).toBe('SIGKILL');
    const b = await createUpload('orph/b.bin');
    const c = await createUpload('orph/c.bin');
    await createUpload('elsewhere/d.bin');

    // A state database that knows none of them: they are all orphans to it.
    const stateDir = join(ws.dir, 'state-orphans');
    const env = cliEnv(config, stateDir);
    const orphans = (...args: string[]) => runCli(['orphans', `s3://${ws.bucket}/orph/`, ...args, ...targetArgs(config)], env);

    const listed = await orphans('--json');
    expect(listed.code, listed.stderr).toBe(0);
    const entries = jsonOutput<OrphanEntry[]>(listed);
    expect(entries.map((entry) => entry.key).sort()).toEqual(['orph/a.bin', 'orph/b.bin', 'orph/c.bin']);
    const a = entries.find((entry) => entry.key === 'orph/a.bin') as OrphanEntry;
    expect(a).toMatchObject({ parts: 2, bytes: 2 * PART, hoistId: null });
    expect(entries.find((entry) => entry.key === 'orph/b.bin')).toMatchObject({ uploadId: b, parts: 0, bytes: 0 });
    expect(Math.abs((a.initiated ?? 0) - Date.now())).toBeLessThan(10 * 60_000);
    const text = await orphans();
    expect(text.stdout).toContain(a.uploadId);
    expect(text.stdout).toMatch(/2 parts {2}10\.0 MiB {2}s3:\/\/\S+\/orph\/a\.bin/);

    const aborted = await orphans('--abort', b);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(await serverUploads('orph/')).not.toContain(b);
    const unknown = await orphans('--abort', 'no-such-upload');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no unfinished upload no-such-upload');

    // Another file of the same size: sizes fit, contents do not.
    const wrong = join(ws.dir, 'wrong.bin');
    await makeRandomFile(wrong, size);
    const refused = await orphans('--adopt', a.uploadId, wrong);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`cannot adopt ${a.uploadId}: none of its 2 parts matches the file`);
    expect(refused.stderr.split(a.uploadId)).toHaveLength(2);

    const adopted = await orphans('--adopt', a.uploadId, file);
    expect(adopted.code, adopted.stderr).toBe(0);
    expect(adopted.stdout).toContain(`adopted ${a.uploadId}`);
    expect(adopted.stdout).toContain('(2 parts verified)');

    const young = await orphans('--abort-all', '--older-than', '1h');
    expect(young.stdout).toContain('aborted 0 unfinished uploads');
    expect((await serverUploads('orph/')).sort()).toEqual([a.uploadId, c].sort());
    // Everything is older than 0 minutes, but the adopted upload is Hoist's now and is kept.
    const all = await orphans('--abort-all', '--older-than', '0m');
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout).toContain('aborted 1 unfinished uploads');
    expect(all.stdout).toContain('kept 1 that Hoist is continuing');
    expect(await serverUploads('orph/')).toEqual([a.uploadId]);
    expect(await serverUploads('elsewhere/')).toHaveLength(1);

    const resumed = await runCli(['resume', '--json'], env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: size - 2 * PART });
    expect(await objectDigest(client, ws.bucket, 'orph/a.bin')).toEqual(await fileDigest(file));
    expect(await serverUploads('orph/')).toEqual([]);
  });

  it('reads every page: lists and aborts more than 1,000 uploads', async () => {
    // 201 keys with 5 uploads each, so pages also end between two uploads of one key.
    const keys = Array.from({ length: 1005 }, (_, index) => `many/k-${String(Math.floor(index / 5)).padStart(4, '0')}`);
    const created: string[] = [];
    for (let start = 0; start < keys.length; start += 50) {
      created.push(...(await Promise.all(keys.slice(start, start + 50).map((key) => createUpload(key)))));
    }
    const env = cliEnv(config, join(ws.dir, 'state-many'));
    const listed = await runCli(['orphans', `s3://${ws.bucket}/many/`, '--json', ...targetArgs(config)], env);
    expect(listed.code, listed.stderr).toBe(0);
    const entries = jsonOutput<OrphanEntry[]>(listed);
    expect(entries).toHaveLength(1005);
    expect(new Set(entries.map((entry) => entry.uploadId))).toEqual(new Set(created));

    const aborted = await runCli(['orphans', `s3://${ws.bucket}/many/`, '--abort-all', ...targetArgs(config)], env);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(aborted.stdout).toContain('aborted 1005 unfinished uploads');
    expect(await serverUploads('many/')).toEqual([]);
  });
});
