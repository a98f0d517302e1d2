import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, mkdirSync, openSync, readFileSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join, relative } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect, it } from 'vitest';
import { ArchiveSource } from '../../main/source/archive-source.ts';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { objectDigest, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * A folder sent as one .tar object made on the fly: killed mid-way and
 * resumed, the object is the folder's archive and completed parts are not
 * sent again; a file changed between sessions is caught at the first part that
 * no longer regenerates the same, and nothing is mixed.
 */
const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;
const MTIME = 1_700_000_000;
const FILES: Record<string, number> = { 'a.bin': 12 * MiB + 5, 'b.bin': 7 * MiB, 'c.txt': 300, 'sub/d.bin': 3 * MiB + 17 };

function makeFolder(name: string): string {
  const root = join(ws.dir, name);
  for (const [path, size] of Object.entries(FILES)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), randomBytes(size));
    // Whole seconds, so a restored mtime is exactly the recorded one.
    utimesSync(join(root, path), MTIME, MTIME);
  }
  return root;
}

/** The archive of the folder as it is now, made in-process: what the object must equal. */
async function archiveDigest(dir: string): Promise<{ size: number; sha256: string }> {
  const source = new ArchiveSource();
  const { size } = await source.stat(dir);
  const reader = await source.open(dir);
  const hash = createHash('sha256');
  for (let offset = 0; offset < size; offset += 8 * MiB) hash.update(await reader.read(offset, Math.min(8 * MiB, size - offset)));
  await reader.close();
  return { size, sha256: hash.digest('hex') };
}

/** Every file GNU tar extracts from the object, with its SHA-256, by path inside the archive. */
async function extracted(bucket: string, key: string): Promise<Record<string, string>> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const tarFile = join(ws.dir, `${key}.download`);
  writeFileSync(tarFile, Buffer.from(await output.Body!.transformToByteArray()));
  const out = join(ws.dir, `${key}.extracted`);
  mkdirSync(out);
  execFileSync('/usr/bin/tar', ['-xf', tarFile, '-C', out]);
  const listing = execFileSync('/usr/bin/find', [out, '-type', 'f'], { encoding: 'utf8' }).trim().split('\n');
  return Object.fromEntries(listing.map((path) => [relative(out, path), createHash('sha256').update(readFileSync(path)).digest('hex')]));
}

function changeInPlace(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.from('changed!'), 0, 8, offset);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, MTIME, MTIME);
}

async function uploadKilled(dir: string, key: string, stateDir: string, afterParts: number): Promise<void> {
  const run = await runCli(
    ['upload', dir, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
    cliEnv(config, stateDir, { HOIST_CRASH_AT: `part-recorded:${afterParts}` }),
  );
  expect(run.signal, run.stderr).toBe('SIGKILL');
}

describe('a folder as one archive object', () => {
  it('killed mid-way and resumed: the object is the folder’s archive, completed parts are not sent again', async () => {
    const dir = makeFolder('photos');
    const stateDir = join(ws.dir, 'state-archive');
    await uploadKilled(dir, 'photos.tar', stateDir, 2);

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(resumed.code, resumed.stderr).toBe(0);
    const expected = await archiveDigest(dir);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: expected.size - 10 * MiB });
    expect(await objectDigest(client, ws.bucket, 'photos.tar')).toEqual(expected);
    const files = await extracted(ws.bucket, 'photos.tar');
    expect(Object.keys(files).sort()).toEqual(Object.keys(FILES).map((path) => `photos/${path}`).sort());
    for (const path of Object.keys(FILES)) expect(files[`photos/${path}`]).toBe(createHash('sha256').update(readFileSync(join(dir, path))).digest('hex'));
  });

  it('a file changed in place (same size, mtime restored) is caught at the first part that no longer regenerates the same', async () => {
    const dir = makeFolder('edited');
    const stateDir = join(ws.dir, 'state-edited');
    await uploadKilled(dir, 'edited.tar', stateDir, 3);
    changeInPlace(join(dir, 'a.bin'), 6 * MiB);

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(resumed.code, resumed.stderr).toBe(3);
    const [result] = jsonOutput<ResultEntry[]>(resumed);
    expect(result).toMatchObject({ outcome: 'conflict', bytesSent: 0 });
    expect(result?.error).toMatch(/changed since the upload started \(part 2, inside edited\/a\.bin, no longer reads the same\)/);
    expect(await objectExists(client, ws.bucket, 'edited.tar')).toBe(false);

    // Starting over sends the new version whole.
    const restarted = await runCli(['resume', '--json', '--on-change', 'restart'], cliEnv(config, stateDir));
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(await objectDigest(client, ws.bucket, 'edited.tar')).toEqual(await archiveDigest(dir));
  });

  it('a file that grew is named before anything is read', async () => {
    const dir = makeFolder('grown');
    const stateDir = join(ws.dir, 'state-grown');
    await uploadKilled(dir, 'grown.tar', stateDir, 1);
    appendFileSync(join(dir, 'c.txt'), 'more');

    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));

    expect(resumed.code).toBe(3);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]?.error).toMatch(/changed since the upload started \(.*c\.txt: size 300 → 304/);
    expect(await objectExists(client, ws.bucket, 'grown.tar')).toBe(false);
  });
});
