import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * Hoist crashed right after its own Complete; before the next run another
 * tool wrote a different object to the key. `resume` used to say the server
 * "no longer had the multipart upload (aborted or expired)", send the whole
 * file again and replace the other tool's object without a word (issue 14,
 * point 2). Now it stops in conflict, names the object and touches nothing;
 * settling the conflict (`--on-change reuse`) replaces it.
 */
const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;

async function body(key: string): Promise<Buffer> {
  const answer = await client.send(new GetObjectCommand({ Bucket: ws.bucket, Key: key }));
  return Buffer.from(await (answer.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
}

describe('an object another tool wrote at the key after Hoist crashed', () => {
  it('is named and kept: resume stops in conflict (exit 3); settled with --on-change reuse, the file replaces it', async () => {
    const file = join(ws.dir, 'mine.bin');
    await makeRandomFile(file, 12 * MiB + 5);
    const key = 'foreign/mine.bin';
    const stateDir = join(ws.dir, 'state-foreign');
    const upload = ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', ...targetArgs(config)];

    const crashed = await runCli(upload, cliEnv(config, stateDir, { HOIST_CRASH_AT: 'after-complete' }));
    expect(crashed.signal).toBe('SIGKILL');
    const theirs = randomBytes(3000);
    await client.send(new PutObjectCommand({ Bucket: ws.bucket, Key: key, Body: theirs }));

    const stopped = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(stopped.code, stopped.stderr).toBe(3);
    const [result] = jsonOutput<ResultEntry[]>(stopped);
    expect(result).toMatchObject({ outcome: 'conflict' });
    expect(result?.error).toContain(`s3://${ws.bucket}/${key} holds an object Hoist did not write`);
    expect(result?.error).toContain('(the key was empty then); it was not replaced');
    expect(stopped.stderr).not.toContain('aborted or expired');
    expect((await body(key)).equals(theirs)).toBe(true);

    const settled = await runCli(['resume', '--json', '--on-change', 'reuse'], cliEnv(config, stateDir));

    expect(settled.code, settled.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(settled)[0]).toMatchObject({ outcome: 'completed' });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect((await listUnfinishedUploads(client, ws.bucket)).filter((found) => found.key === key)).toEqual([]);
  });

  it('an object at the key before the upload started is replaced as asked, with no conflict', async () => {
    const file = join(ws.dir, 'over.bin');
    await makeRandomFile(file, 6 * MiB);
    const key = 'foreign/over.bin';
    await client.send(new PutObjectCommand({ Bucket: ws.bucket, Key: key, Body: randomBytes(100) }));

    const run = await runCli(['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', ...targetArgs(config)], cliEnv(config, join(ws.dir, 'state-over')));

    expect(run.code, run.stderr).toBe(0);
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
  });
});
