import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import { entries, localListing, makeFolder, serverKeys, serverListing } from '../support/folder-fixture.ts';
import { listUnfinishedUploads, useTestWorkspace } from '../support/s3-fixture.ts';

// A folder as one object per file (`upload <dir> s3://bucket/prefix/`), against
// the real server: what is listed under the prefix must be the folder, byte
// for byte, whatever stopped it on the way.

const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;

interface FolderEntry {
  kind: 'folder';
  id: string;
  state: string;
  files: Record<string, { files: number; bytes: number }>;
}

function upload(folder: string, prefix: string, stateDir: string, extra: string[] = []) {
  return runCli(['upload', folder, `s3://${ws.bucket}/${prefix}`, '--part-size', '5MiB', ...targetArgs(config), ...extra], cliEnv(config, stateDir));
}

describe('upload <dir> s3://bucket/prefix/', () => {
  it('sends one object per file: unicode, spaces, deep paths, empty files, a multipart one; empty folders skipped', async () => {
    const deep = Array.from({ length: 20 }, (_, i) => `d${i}`).join('/');
    const root = makeFolder(join(ws.dir, 'mixed'), {
      'a.txt': 10,
      'with space/é 日本 🎉.bin': 2048,
      [`${deep}/leaf.bin`]: 100,
      'zero.bin': 0,
      'sub/zero-too': 0,
      'big/twelve.bin': 12 * MiB + 7,
    });
    mkdirSync(join(root, 'empty/also-empty'), { recursive: true });
    const stateDir = join(ws.dir, 'state-mixed');

    const run = await upload(root, 'mixed/', stateDir);

    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/completed folder \w+ s3:\/\/.*\/mixed\/ \(6 file\(s\) sent/);
    expect(entries(await serverListing(client, ws.bucket, 'mixed/'))).toEqual(entries(localListing(root)));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    const [status] = jsonOutput<FolderEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect(status).toMatchObject({ kind: 'folder', state: 'completed', files: { done: { files: 6, bytes: 12 * MiB + 7 + 2158 } } });
    expect(integrityCheck(stateDir)).toBe('ok');
  });

  it('adding the same folder again with a fresh state directory sends nothing: every file is already there', async () => {
    const root = makeFolder(join(ws.dir, 'again'), { 'one.bin': 1000, 'two/two.bin': 70_000, 'three.bin': 11 * MiB });
    expect((await upload(root, 'again/', join(ws.dir, 'state-again-1'))).code).toBe(0);
    const before = await serverKeys(client, ws.bucket, 'again/');

    const run = await upload(root, 'again/', join(ws.dir, 'state-again-2'), ['--json']);

    expect(run.code, run.stderr).toBe(0);
    const [result] = jsonOutput<Array<{ outcome: string; totals: FolderEntry['files'] }>>(run);
    expect(result).toMatchObject({ outcome: 'completed', totals: { there: { files: 3 }, done: { files: 0 } } });
    expect(await serverKeys(client, ws.bucket, 'again/')).toEqual(before);
  });

  it('--if-exists fail leaves a different object alone and names it; overwrite replaces it', async () => {
    const root = makeFolder(join(ws.dir, 'exists'), { 'same.bin': 500, 'differs.bin': 600 });
    expect((await upload(root, 'exists/', join(ws.dir, 'state-exists-1'))).code).toBe(0);
    writeFileSync(join(root, 'differs.bin'), 'new content');

    const refused = await upload(root, 'exists/', join(ws.dir, 'state-exists-2'), ['--if-exists', 'fail']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/exists\/differs\.bin already holds different content \(--if-exists fail\)/);
    expect((await serverKeys(client, ws.bucket, 'exists/')).get('differs.bin')?.size).toBe(600);

    const replaced = await upload(root, 'exists/', join(ws.dir, 'state-exists-3'), ['--if-exists', 'overwrite']);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(entries(await serverListing(client, ws.bucket, 'exists/'))).toEqual(entries(localListing(root)));
  });

  it('names what it cannot send (a FIFO, links, a link loop) with exit 1, and sends the rest', async () => {
    const root = makeFolder(join(ws.dir, 'bad'), { 'ok/one.bin': 10, 'ok/two.bin': 20 });
    execFileSync('mkfifo', [join(root, 'pipe')]);
    symlinkSync('/etc/passwd', join(root, 'link-to-file'));
    symlinkSync('.', join(root, 'ok/loop'));

    const run = await upload(root, 'bad/', join(ws.dir, 'state-bad'));

    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/pipe: .*FIFO/);
    expect(run.stderr).toMatch(/link-to-file: a symbolic link/);
    expect(run.stderr).toMatch(/ok\/loop: a symbolic link/);
    expect([...(await serverKeys(client, ws.bucket, 'bad/')).keys()].sort()).toEqual(['ok/one.bin', 'ok/two.bin']);
  });

  it('a folder holding Hoist’s own state directory (a home folder) sends everything but that, and names it', async () => {
    const root = makeFolder(join(ws.dir, 'home'), { 'docs/a.txt': 10, 'b.txt': 20 });
    const run = await upload(root, 'home/', join(root, '.local', 'state', 'hoist'));

    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/\.local\/state\/hoist: Hoist's own state directory, never uploaded/);
    expect([...(await serverKeys(client, ws.bucket, 'home/')).keys()].sort()).toEqual(['b.txt', 'docs/a.txt']);
  });

  it('a folder that is not there, or a plain file with a prefix address, is refused saying why', async () => {
    const missing = await upload(join(ws.dir, 'no-such-folder'), 'x/', join(ws.dir, 'state-missing'));
    expect(missing.code).not.toBe(0);
    const file = join(ws.dir, 'plain.bin');
    writeFileSync(file, 'x');
    const wrong = await runCli(['upload', file, `s3://${ws.bucket}/`, ...targetArgs(config)], cliEnv(config, join(ws.dir, 'state-plain')));
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/is a file: give the key/);
  });

  it('reports files added, removed and changed since the folder upload started; --on-change restart sends the changed one again', async () => {
    const names = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${String(i).padStart(3, '0')}.bin`, 2000]));
    const root = makeFolder(join(ws.dir, 'changing'), names);
    const stateDir = join(ws.dir, 'state-changing');
    // Killed after the first batch of files was acknowledged: some are sent, some not.
    const killed = await runCli(['upload', root, `s3://${ws.bucket}/changing/`, ...targetArgs(config)], cliEnv(config, stateDir, { HOIST_CRASH_AT: 'folder-files-done' }));
    expect(killed.signal).toBe('SIGKILL');
    const sent = [...(await serverKeys(client, ws.bucket, 'changing/')).keys()].sort();
    expect(sent.length).toBeGreaterThan(0);
    const changed = sent[0] as string;
    appendFileSync(join(root, changed), 'more');
    rmSync(join(root, 'f299.bin'));
    writeFileSync(join(root, 'new.bin'), 'added later');

    const stopped = await runCli(['resume', ...targetArgs(config)], cliEnv(config, stateDir));
    expect(stopped.code, stopped.stderr).toBe(3);
    expect(stopped.stderr).toContain(`${changed} changed after it was sent`);
    expect(stopped.stderr).toMatch(/new\.bin: added to the folder since its upload started/);

    const settled = await runCli(['resume', '--on-change', 'restart', ...targetArgs(config)], cliEnv(config, stateDir));
    // The file removed before it was sent is named, and makes the exit code 1; the folder is complete without it.
    expect(settled.code, settled.stderr).toBe(1);
    expect(settled.stderr).toMatch(/f299\.bin is gone from the folder/);
    expect(settled.stdout).toMatch(/completed folder/);
    const listing = await serverListing(client, ws.bucket, 'changing/');
    const local = localListing(root);
    // f299.bin was removed locally: it may have been sent before it went; every file still here is there, as it is now.
    for (const [name, digest] of local) expect(listing.get(name), name).toEqual(digest);
  });
});
