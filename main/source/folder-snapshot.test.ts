import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../engine/errors.ts';
import { diffSnapshots, parseSnapshot, serializeSnapshot, snapshotDigest, takeSnapshot } from './folder-snapshot.ts';
import type { SnapshotEntry } from './folder-snapshot.ts';
import { isRoot, useTempDir } from './testing/folder-fixture.ts';

const tempDir = useTempDir('hoist-snapshot-');

function folder(name = 'photos'): string {
  const root = join(tempDir(), name);
  mkdirSync(root);
  return root;
}

async function snapshotError(dir: string): Promise<SourceError> {
  const error = await takeSnapshot(dir).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  return error as SourceError;
}

describe('takeSnapshot', () => {
  it('lists the folder under its own name, in UTF-8 byte order, with full-precision times, sizes and permission bits', async () => {
    const root = folder();
    mkdirSync(join(root, 'a'));
    writeFileSync(join(root, 'a', 'b'), 'ab');
    writeFileSync(join(root, 'a-b'), 'a-b!');
    // UTF-16 order puts U+1F600 (a surrogate pair, 0xD83D…) before U+FF21; UTF-8 bytes (F0… vs EF…) do not.
    writeFileSync(join(root, '\u{1F600}'), '');
    writeFileSync(join(root, '\uFF21'), 'x');
    writeFileSync(join(root, 'run.sh'), '#!/bin/sh\n');
    chmodSync(join(root, 'run.sh'), 0o4750);
    mkdirSync(join(root, 'empty'));
    symlinkSync('run.sh', join(root, 'link'));

    const snapshot = await takeSnapshot(join(root, '..', 'photos'));

    expect(snapshot.root).toBe(root);
    expect(snapshot.entries.map((entry) => entry.path)).toEqual([
      'photos',
      'photos/a',
      'photos/a-b',
      'photos/a/b',
      'photos/empty',
      'photos/link',
      'photos/run.sh',
      'photos/\uFF21',
      'photos/\u{1F600}',
    ]);
    const byPath = new Map(snapshot.entries.map((entry) => [entry.path, entry]));
    const run = lstatSync(join(root, 'run.sh'), { bigint: true });
    expect(byPath.get('photos/run.sh')).toEqual({ path: 'photos/run.sh', kind: 'file', size: 10, mtimeNs: run.mtimeNs.toString(), mode: 0o4750 });
    expect(byPath.get('photos/a-b')?.size).toBe(4);
    expect(byPath.get('photos/empty')).toMatchObject({ kind: 'dir', size: 0 });
    expect(byPath.get('photos')).toMatchObject({ kind: 'dir', mtimeNs: lstatSync(root, { bigint: true }).mtimeNs.toString() });
    expect(byPath.get('photos/link')).toMatchObject({ kind: 'symlink', size: 0, linkTarget: 'run.sh' });
    expect(snapshot.skipped).toEqual([]);
  });

  it('records symbolic links without following them, so link loops are harmless', async () => {
    const root = folder('loop');
    mkdirSync(join(root, 'inner'));
    symlinkSync('../../loop', join(root, 'inner', 'back-to-root'));
    symlinkSync('self', join(root, 'self'));
    symlinkSync('/etc', join(root, 'outside'));

    const snapshot = await takeSnapshot(root);

    expect(snapshot.entries.map((entry) => [entry.path, entry.kind, entry.linkTarget])).toEqual([
      ['loop', 'dir', undefined],
      ['loop/inner', 'dir', undefined],
      ['loop/inner/back-to-root', 'symlink', '../../loop'],
      ['loop/outside', 'symlink', '/etc'],
      ['loop/self', 'symlink', 'self'],
    ]);
  });

  it('takes a folder given through a link, under the link\'s name', async () => {
    const root = folder('real');
    writeFileSync(join(root, 'a.txt'), 'a');
    symlinkSync(root, join(tempDir(), 'alias'));
    const snapshot = await takeSnapshot(join(tempDir(), 'alias'));
    expect(snapshot.root).toBe(join(tempDir(), 'alias'));
    expect(snapshot.entries.map((entry) => [entry.path, entry.kind])).toEqual([
      ['alias', 'dir'],
      ['alias/a.txt', 'file'],
    ]);
  });

  it('skips sockets, FIFOs, devices and names that are not UTF-8, saying why', async () => {
    const root = folder();
    writeFileSync(join(root, 'kept.txt'), 'kept');
    execFileSync('mkfifo', [join(root, 'pipe')]);
    // Only root may make a device node.
    if (isRoot()) execFileSync('mknod', [join(root, 'null-device'), 'c', '1', '3']);
    writeFileSync(Buffer.concat([Buffer.from(`${root}/bad-`), Buffer.from([0xff]), Buffer.from('.txt')]), 'x');
    const server: Server = createServer();
    await new Promise<void>((done) => server.listen(join(root, 'sock'), done));
    try {
      const snapshot = await takeSnapshot(root);
      expect(snapshot.entries.map((entry) => entry.path)).toEqual(['photos', 'photos/kept.txt']);
      expect(snapshot.skipped).toEqual([
        { path: 'photos/bad-\uFFFD.txt', reason: 'name is not valid UTF-8' },
        ...(isRoot() ? [{ path: 'photos/null-device', reason: 'character device' }] : []),
        { path: 'photos/pipe', reason: 'named pipe (FIFO)' },
        { path: 'photos/sock', reason: 'socket' },
      ]);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it('refuses a missing folder and a path that is not a folder', async () => {
    const missing = await snapshotError(join(tempDir(), 'nope'));
    expect(missing.code).toBe('missing');
    expect(missing.message).toContain(join(tempDir(), 'nope'));

    writeFileSync(join(tempDir(), 'file.txt'), 'x');
    const notFolder = await snapshotError(join(tempDir(), 'file.txt'));
    expect(notFolder.code).toBe('not-a-file');
    expect(notFolder.message).toBe(`${join(tempDir(), 'file.txt')} is not a folder`);
  });

  it('refuses an unreadable file or folder, naming it', async () => {
    const root = folder();
    writeFileSync(join(root, 'secret.txt'), 'x');
    chmodSync(join(root, 'secret.txt'), 0o000);
    expect(await snapshotErrorAsUnprivileged(root)).toEqual({ code: 'unreadable', message: `permission denied reading ${join(root, 'secret.txt')}` });

    chmodSync(join(root, 'secret.txt'), 0o644);
    mkdirSync(join(root, 'locked'));
    writeFileSync(join(root, 'locked', 'inside.txt'), 'x');
    chmodSync(join(root, 'locked'), 0o000);
    try {
      expect(await snapshotErrorAsUnprivileged(root)).toEqual({ code: 'unreadable', message: `permission denied reading ${join(root, 'locked')}` });
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });
});

/**
 * takeSnapshot's error for a folder, as a user without special rights sees it.
 * root reads anything, so when the tests run as root the walk runs in a child
 * process as nobody (the module bundled with esbuild for plain Node).
 */
async function snapshotErrorAsUnprivileged(dir: string): Promise<{ code: string; message: string } | 'no error'> {
  if (!isRoot()) {
    const error = await snapshotError(dir);
    return { code: error.code, message: error.message };
  }
  const bundleDir = mkdtempSync(join(tmpdir(), 'hoist-snapshot-bundle-'));
  try {
    chmodSync(bundleDir, 0o755);
    const bundle = join(bundleDir, 'folder-snapshot.mjs');
    await build({ entryPoints: [fileURLToPath(new URL('./folder-snapshot.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const script = `
      import { takeSnapshot } from ${JSON.stringify(pathToFileURL(bundle).href)};
      takeSnapshot(process.argv[1]).then(
        () => console.log(JSON.stringify('no error')),
        (error) => console.log(JSON.stringify({ name: error.name, code: error.code, message: error.message })),
      );`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, dir], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8' });
    const result = JSON.parse(output) as { name: string; code: string; message: string } | 'no error';
    if (result === 'no error') return result;
    expect(result.name).toBe('SourceError');
    return { code: result.code, message: result.message };
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

describe('snapshotDigest', () => {
  it('is equal for two walks of an unchanged folder and changes with any entry, even by a fraction of a second', async () => {
    const root = folder();
    writeFileSync(join(root, 'a.txt'), 'a');
    utimesSync(join(root, 'a.txt'), 1000, 1000);
    const first = await takeSnapshot(root);
    expect(snapshotDigest(await takeSnapshot(root))).toBe(snapshotDigest(first));
    expect(snapshotDigest(first)).toMatch(/^[0-9a-f]{64}$/);

    utimesSync(join(root, 'a.txt'), 1000.5, 1000.5);
    expect(snapshotDigest(await takeSnapshot(root))).not.toBe(snapshotDigest(first));
  });

  it('survives serialization: parseSnapshot(serializeSnapshot(s)) equals s', async () => {
    const root = folder();
    writeFileSync(join(root, 'a.txt'), 'a');
    symlinkSync('a.txt', join(root, 'link'));
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const snapshot = await takeSnapshot(root);
    const copy = parseSnapshot(serializeSnapshot(snapshot));
    expect(copy).toEqual(snapshot);
    expect(snapshotDigest(copy)).toBe(snapshotDigest(snapshot));
    expect(() => parseSnapshot('{"v":2}')).toThrow(/not a folder snapshot/);
    expect(() => parseSnapshot('{"v":1,"root":"/x","entries":[["a","fifo",0,"1",0,null]],"skipped":[]}')).toThrow(/entry/);
  });
});

const entry = (path: string, changes: Partial<SnapshotEntry> = {}): SnapshotEntry => ({ path, kind: 'file', size: 100, mtimeNs: '1000000000000', mode: 0o644, ...changes });
const listing = (...entries: SnapshotEntry[]) => ({ entries });

describe('diffSnapshots', () => {
  it('says what changed, one line per path in path order', () => {
    const before = listing(
      entry('photos', { kind: 'dir', size: 0 }),
      entry('photos/a.jpg'),
      entry('photos/b.jpg'),
      entry('photos/c.txt'),
      entry('photos/d', { kind: 'dir', size: 0 }),
      entry('photos/e.sh'),
      entry('photos/link', { kind: 'symlink', size: 0, linkTarget: 'a.jpg' }),
    );
    const after = listing(
      entry('photos', { kind: 'dir', size: 0, mtimeNs: '2000000000000' }),
      entry('photos/a.jpg', { size: 120, mtimeNs: '2000000000000' }),
      entry('photos/b.jpg', { mtimeNs: '1000000000001' }),
      entry('photos/d'),
      entry('photos/e.sh', { mode: 0o755 }),
      entry('photos/link', { kind: 'symlink', size: 0, linkTarget: 'b.jpg' }),
      entry('photos/new.txt'),
    );
    expect(diffSnapshots(before, after)).toEqual([
      'photos/a.jpg: size 100 → 120',
      'photos/b.jpg: modified',
      'photos/c.txt: removed',
      'photos/d: was a folder, now a file',
      'photos/e.sh: permissions 644 → 755',
      'photos/link: link target a.jpg → b.jpg',
      'photos/new.txt: added',
    ]);
    expect(diffSnapshots(before, before)).toEqual([]);
  });

  it('names a folder whose only change is its time when nothing else explains the difference', () => {
    const before = listing(entry('photos', { kind: 'dir', size: 0 }), entry('photos/a.jpg'));
    const after = listing(entry('photos', { kind: 'dir', size: 0, mtimeNs: '5' }), entry('photos/a.jpg'));
    expect(diffSnapshots(before, after)).toEqual(['photos: modified']);
  });

  it('shows ten lines, then how many more', () => {
    const after = listing(...Array.from({ length: 25 }, (_, index) => entry(`f${String(index).padStart(2, '0')}`)));
    const lines = diffSnapshots(listing(), after);
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('f00: added');
    expect(lines[9]).toBe('f09: added');
    expect(lines[10]).toBe('and 15 more');
    expect(diffSnapshots(listing(), listing(...after.entries.slice(0, 10)))).toHaveLength(10);
  });
});
