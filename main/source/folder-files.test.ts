import { execFileSync } from 'node:child_process';
import { accessSync, chmodSync, constants, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { lstat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../engine/errors.ts';
import { walkFolderFiles } from './folder-files.ts';
import type { FolderBatch, FolderFile, FolderProblem, WalkFolderOptions } from './folder-files.ts';
import { isRoot, useTempDir } from './testing/folder-fixture.ts';

const tempDir = useTempDir('hoist-folder-files-');

/** Whether chmod 000 really keeps this process out (not when running as root). */
function permissionsEnforced(): boolean {
  const probe = join(tempDir(), '.probe');
  writeFileSync(probe, 'x');
  chmodSync(probe, 0o000);
  try {
    accessSync(probe, constants.R_OK);
    return false;
  } catch {
    return true;
  } finally {
    rmSync(probe);
  }
}
const ROOT_READS_EVERYTHING = isRoot();

function folder(name = 'photos'): string {
  const root = join(tempDir(), name);
  mkdirSync(root);
  return root;
}

function put(root: string, relPath: string, content: string | Uint8Array = ''): void {
  const path = join(root, relPath);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, content);
}

async function walk(root: string, options?: WalkFolderOptions): Promise<{ batches: FolderBatch[]; files: FolderFile[]; problems: FolderProblem[] }> {
  const batches: FolderBatch[] = [];
  for await (const batch of walkFolderFiles(root, options)) batches.push(batch);
  return { batches, files: batches.flatMap((b) => b.files), problems: batches.flatMap((b) => b.problems) };
}

async function walkError(root: string, options?: WalkFolderOptions): Promise<unknown> {
  return walk(root, options).then(
    () => 'no error',
    (error: unknown) => error,
  );
}

const byUtf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
const denied = (path: string) => Object.assign(new Error(`EACCES: permission denied, access '${path}'`), { code: 'EACCES' });

describe('walkFolderFiles', () => {
  it('yields every regular file with the stat FileSource reports, in UTF-8 byte order of the relative path', async () => {
    const root = folder();
    const names = ['a-b', 'a/b', 'a0', 'café.txt', '日本/写真 1.jpg', '\u{1F600} smile.png', '\uFF21', 'with space/a b.txt', 'empty.bin', 'x/y/z.txt'];
    for (const name of names) put(root, name, name === 'empty.bin' ? '' : `content of ${name}`);
    mkdirSync(join(root, 'empty-folder'));
    mkdirSync(join(root, 'nested-empty', 'deeper', 'deepest'), { recursive: true });

    const { files, problems } = await walk(root);

    expect(problems).toEqual([]);
    // UTF-16 order would put U+1F600 (0xD83D…) before U+FF21; UTF-8 bytes (F0… > EF…) do not. '-' < '/' < '0'; 日 is E6….
    expect(files.map((f) => f.relPath)).toEqual(['a-b', 'a/b', 'a0', 'café.txt', 'empty.bin', 'with space/a b.txt', 'x/y/z.txt', '日本/写真 1.jpg', '\uFF21', '\u{1F600} smile.png']);
    expect(files.map((f) => f.relPath)).toEqual([...names].sort(byUtf8));
    for (const file of files) {
      const info = lstatSync(join(root, file.relPath), { bigint: true });
      expect(file).toEqual({ relPath: file.relPath, path: join(root, file.relPath), size: Number(info.size), mtimeNs: info.mtimeNs.toString(), fileId: `${info.dev}:${info.ino}` });
    }
    expect(files.find((f) => f.relPath === 'empty.bin')?.size).toBe(0);
    expect(files.find((f) => f.relPath === 'café.txt')?.size).toBe(Buffer.byteLength('content of café.txt'));
    expect(files[0]?.mtimeNs).toMatch(/^\d+$/);
  });

  it('walks 20 levels deep, and gives relative paths from a relative root', async () => {
    const root = folder();
    const deep = Array.from({ length: 20 }, (_, i) => `level-${i + 1}`).join('/');
    put(root, `${deep}/bottom.txt`, 'bottom');
    put(root, 'top.txt', 'top');
    const { files } = await walk(relative(process.cwd(), root));
    expect(files.map((f) => [f.relPath, f.path])).toEqual([
      [`${deep}/bottom.txt`, join(root, deep, 'bottom.txt')],
      ['top.txt', join(root, 'top.txt')],
    ]);
  });

  it('never follows symbolic links (to a file, to a folder, a loop) and reports each one', async () => {
    const root = folder();
    put(root, 'real/a.txt', 'a');
    symlinkSync('real/a.txt', join(root, 'link-to-file'));
    symlinkSync('real', join(root, 'link-to-folder'));
    symlinkSync('.', join(root, 'real', 'loop'));
    symlinkSync('nowhere', join(root, 'dangling'));
    const { files, problems } = await walk(root);
    expect(files.map((f) => f.relPath)).toEqual(['real/a.txt']);
    expect(problems).toEqual([
      { relPath: 'dangling', kind: 'symlink', message: 'dangling: a symbolic link; links are not followed' },
      { relPath: 'link-to-file', kind: 'symlink', message: 'link-to-file: a symbolic link; links are not followed' },
      { relPath: 'link-to-folder', kind: 'symlink', message: 'link-to-folder: a symbolic link; links are not followed' },
      { relPath: 'real/loop', kind: 'symlink', message: 'real/loop: a symbolic link; links are not followed' },
    ]);
  });

  it('never walks into a folder it is told to skip, however the walk reaches it, and names it', async () => {
    const root = folder();
    put(root, 'a.txt', 'a');
    put(root, 'home/.local/state/hoist/state.sqlite3', 'db');
    put(root, 'home/notes.txt', 'n');
    // The skipped folder is named by another path (through a link), as a state directory under a linked home would be.
    symlinkSync(join(root, 'home'), join(tempDir(), 'home-link'));
    const { files, problems } = await walk(root, { neverWalk: [join(tempDir(), 'home-link', '.local/state/hoist'), join(tempDir(), 'not-there')] });
    expect(files.map((f) => f.relPath)).toEqual(['a.txt', 'home/notes.txt']);
    expect(problems).toEqual([
      {
        relPath: 'home/.local/state/hoist',
        kind: 'hoist-state',
        message: "home/.local/state/hoist: Hoist's own state directory, never uploaded (its database changes while Hoist runs)",
      },
    ]);
  });

  it('walks a root that is itself a symbolic link to a folder', async () => {
    const root = folder();
    put(root, 'a.txt', 'a');
    symlinkSync(root, join(tempDir(), 'picked'));
    const { files } = await walk(join(tempDir(), 'picked'));
    expect(files.map((f) => [f.relPath, f.path])).toEqual([['a.txt', join(tempDir(), 'picked', 'a.txt')]]);
  });

  it('reports FIFOs and sockets as not regular files', async () => {
    const root = folder();
    put(root, 'a.txt', 'a');
    execFileSync('mkfifo', [join(root, 'pipe')]);
    const server = createServer();
    await new Promise<void>((done) => server.listen(join(root, 'sock'), done));
    try {
      const { files, problems } = await walk(root);
      expect(files.map((f) => f.relPath)).toEqual(['a.txt']);
      expect(problems).toEqual([
        { relPath: 'pipe', kind: 'not-a-regular-file', message: 'pipe: a named pipe (FIFO), not a regular file' },
        { relPath: 'sock', kind: 'not-a-regular-file', message: 'sock: a socket, not a regular file' },
      ]);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });

  it.skipIf(ROOT_READS_EVERYTHING)('reports an unreadable file and an unreadable folder, skipping its content (real permissions; skipped as root, where chmod 000 does not keep root out: see the next test)', async () => {
    expect(permissionsEnforced()).toBe(true);
    const root = folder();
    put(root, 'ok.txt', 'ok');
    put(root, 'secret.txt', 'x');
    put(root, 'locked/inside.txt', 'x');
    chmodSync(join(root, 'secret.txt'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    try {
      const { files, problems } = await walk(root);
      expect(files.map((f) => f.relPath)).toEqual(['ok.txt']);
      expect(problems).toEqual([
        { relPath: 'locked', kind: 'unreadable-folder', message: 'locked: the folder cannot be read (permission denied); everything in it is skipped' },
        { relPath: 'secret.txt', kind: 'unreadable', message: 'secret.txt: cannot be read (permission denied)' },
      ]);
    } finally {
      chmodSync(join(root, 'locked'), 0o755);
    }
  });

  it.runIf(ROOT_READS_EVERYTHING)('reports an unreadable file and folder to a user without special rights (run as root: the walk runs as nobody in a child process)', async () => {
    expect(permissionsEnforced()).toBe(false);
    const root = folder();
    put(root, 'ok.txt', 'ok');
    put(root, 'secret.txt', 'x');
    put(root, 'locked/inside.txt', 'x');
    put(root, 'search-only/inside.txt', 'x');
    chmodSync(join(root, 'secret.txt'), 0o000);
    chmodSync(join(root, 'locked'), 0o000);
    chmodSync(join(root, 'search-only'), 0o311);
    try {
      expect(await walkAsNobody(root)).toEqual({
        files: ['ok.txt'],
        problems: [
          { relPath: 'locked', kind: 'unreadable-folder', message: 'locked: the folder cannot be read (permission denied); everything in it is skipped' },
          { relPath: 'search-only', kind: 'unreadable-folder', message: 'search-only: the folder cannot be read (permission denied); everything in it is skipped' },
          { relPath: 'secret.txt', kind: 'unreadable', message: 'secret.txt: cannot be read (permission denied)' },
        ],
      });
      chmodSync(root, 0o700);
      expect(await walkAsNobody(root)).toEqual({ error: { name: 'SourceError', code: 'unreadable', message: `permission denied reading folder ${root}` } });
    } finally {
      chmodSync(root, 0o755);
      chmodSync(join(root, 'locked'), 0o755);
      chmodSync(join(root, 'search-only'), 0o755);
    }
  });

  it('reports what the access check refuses (injected), whoever runs the tests', async () => {
    const root = folder();
    put(root, 'ok.txt', 'ok');
    put(root, 'secret.txt', 'x');
    put(root, 'locked/inside.txt', 'x');
    const checked: string[] = [];
    const access = async (path: string, mode: number) => {
      checked.push(`${path.slice(root.length)} ${mode}`);
      if (path === join(root, 'secret.txt') || path === join(root, 'locked')) throw denied(path);
    };
    const { files, problems } = await walk(root, { access });
    expect(files.map((f) => f.relPath)).toEqual(['ok.txt']);
    expect(problems).toEqual([
      { relPath: 'locked', kind: 'unreadable-folder', message: 'locked: the folder cannot be read (permission denied); everything in it is skipped' },
      { relPath: 'secret.txt', kind: 'unreadable', message: 'secret.txt: cannot be read (permission denied)' },
    ]);
    // Folders are checked for read and search, files for read.
    expect(checked.sort()).toEqual([` ${constants.R_OK | constants.X_OK}`, `/locked ${constants.R_OK | constants.X_OK}`, `/ok.txt ${constants.R_OK}`, `/secret.txt ${constants.R_OK}`]);

    const rootRefused = await walkError(root, { access: async (path) => { if (path === root) throw denied(path); } });
    expect(rootRefused).toBeInstanceOf(SourceError);
    expect(rootRefused).toMatchObject({ code: 'unreadable', message: `permission denied reading folder ${root}` });
  });

  it('reports an entry removed between reading its folder and examining it (injected at the lstat)', async () => {
    const root = folder();
    put(root, 'a.txt', 'a');
    put(root, 'b.txt', 'b');
    put(root, 'sub/c.txt', 'c');
    const { files, problems } = await walk(root, {
      lstat: async (path) => {
        if (path === join(root, 'b.txt') || path === join(root, 'sub')) rmSync(path, { recursive: true });
        return lstat(path, { bigint: true });
      },
    });
    expect(files.map((f) => f.relPath)).toEqual(['a.txt']);
    expect(problems).toEqual([
      { relPath: 'b.txt', kind: 'vanished', message: 'b.txt: removed or replaced while the folder was being read' },
      { relPath: 'sub', kind: 'vanished', message: 'sub: removed or replaced while the folder was being read' },
    ]);
  });

  it('reports a file deleted between batches, after its folder was read', async () => {
    const root = folder();
    // 200 files in one folder: read at once, examined a few dozen at a time, handed on one per batch.
    const names = Array.from({ length: 200 }, (_, i) => `f${String(i).padStart(3, '0')}.txt`);
    for (const name of names) put(root, `big/${name}`, name);
    put(root, 'later/z.txt', 'z');
    const seen: FolderBatch[] = [];
    for await (const batch of walkFolderFiles(root, { batchSize: 1 })) {
      if (seen.length === 0) {
        unlinkSync(join(root, 'big', 'f199.txt'));
        rmSync(join(root, 'later'), { recursive: true }); // listed with the root, not read yet
      }
      seen.push(batch);
    }
    expect(seen.every((batch) => batch.files.length + batch.problems.length === 1)).toBe(true);
    const files = seen.flatMap((b) => b.files).map((f) => f.relPath);
    expect(files).toEqual(names.slice(0, 199).map((name) => `big/${name}`));
    expect(seen.flatMap((b) => b.problems)).toEqual([
      { relPath: 'big/f199.txt', kind: 'vanished', message: 'big/f199.txt: removed or replaced while the folder was being read' },
      { relPath: 'later', kind: 'vanished', message: 'later: removed or replaced while the folder was being read' },
    ]);
  });

  it('walks 3,000 files in batches of at most batchSize, with correct totals', async () => {
    const root = folder();
    let bytes = 0;
    for (let d = 0; d < 30; d += 1) {
      mkdirSync(join(root, `dir-${d}`));
      for (let f = 0; f < 100; f += 1) {
        const content = 'x'.repeat((d * 100 + f) % 17);
        bytes += content.length;
        writeFileSync(join(root, `dir-${d}`, `file-${f}.txt`), content);
      }
    }
    symlinkSync('dir-0', join(root, 'dir-5', 'link'));

    const { batches, files, problems } = await walk(root, { batchSize: 250 });
    expect(files).toHaveLength(3000);
    expect(problems.map((p) => p.relPath)).toEqual(['dir-5/link']);
    expect(new Set(files.map((f) => f.relPath)).size).toBe(3000);
    expect(new Set(files.map((f) => f.fileId)).size).toBe(3000);
    expect(files.reduce((sum, f) => sum + f.size, 0)).toBe(bytes);
    expect(files.map((f) => f.relPath)).toEqual(files.map((f) => f.relPath).sort(byUtf8));
    // 3,001 entries: twelve full batches and one of 1.
    expect(batches.map((b) => b.files.length + b.problems.length)).toEqual([...Array<number>(12).fill(250), 1]);

    const byDefault = await walk(root);
    expect(byDefault.batches.map((b) => b.files.length + b.problems.length)).toEqual([500, 500, 500, 500, 500, 500, 1]);
    expect(byDefault.files).toEqual(files);
  });

  it('yields nothing for an empty folder or one holding only empty folders', async () => {
    const root = folder();
    expect((await walk(root)).batches).toEqual([]);
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    expect((await walk(root)).batches).toEqual([]);
  });

  it('with a prefix, reports names that cannot be S3 keys instead of yielding them', async () => {
    const root = folder();
    put(root, 'ok.txt', 'ok');
    put(root, 'line\nbreak.txt', 'x');
    // 4 × 255 bytes of names and 3 slashes: 1023 bytes, over 1024 only with the prefix.
    const long = ['a', 'b', 'c', 'd'].map((c) => c.repeat(255)).join('/');
    put(root, long, 'x');
    const { files, problems } = await walk(root, { prefix: 'backup/2024/' });
    expect(files.map((f) => f.relPath)).toEqual(['ok.txt']);
    expect(problems).toEqual([
      { relPath: long, kind: 'bad-key', message: `${long}: the object key would be 1035 bytes in UTF-8; S3 allows at most 1024` },
      { relPath: 'line\nbreak.txt', kind: 'bad-key', message: 'line\nbreak.txt: the name holds the control character U+000A, which S3 keys cannot carry reliably' },
    ]);
    expect((await walk(root)).files.map((f) => f.relPath)).toEqual([long, 'line\nbreak.txt', 'ok.txt']);
  });

  it('reports names that are not valid UTF-8, with or without a prefix, and skips such a folder', async () => {
    const root = folder();
    put(root, 'ok.txt', 'ok');
    const raw = (name: number[]) => Buffer.concat([Buffer.from(`${root}/`), Buffer.from(name)]);
    writeFileSync(raw([0x62, 0xff, 0x2e, 0x74]), 'x'); // "b\xFF.t"
    mkdirSync(raw([0x64, 0xfe]));
    writeFileSync(Buffer.concat([raw([0x64, 0xfe]), Buffer.from('/inside.txt')]), 'x');
    for (const options of [{}, { prefix: 'p/' }]) {
      const { files, problems } = await walk(root, options);
      expect(files.map((f) => f.relPath)).toEqual(['ok.txt']);
      expect(problems).toEqual([
        { relPath: 'b\uFFFD.t', kind: 'bad-key', message: 'b\uFFFD.t: the name is not valid UTF-8; the real name cannot be reproduced in an S3 key' },
        { relPath: 'd\uFFFD', kind: 'bad-key', message: 'd\uFFFD: the folder name is not valid UTF-8, so everything in it is skipped; the real name cannot be reproduced in an S3 key' },
      ]);
    }
  });

  it('throws, naming the path, only when the root is not a readable folder', async () => {
    const missing = await walkError(join(tempDir(), 'nope'));
    expect(missing).toBeInstanceOf(SourceError);
    expect(missing).toMatchObject({ code: 'missing', message: `folder not found: ${join(tempDir(), 'nope')}` });
    put(tempDir(), 'file.txt', 'x');
    expect(await walkError(join(tempDir(), 'file.txt'))).toMatchObject({ code: 'not-a-file', message: `${join(tempDir(), 'file.txt')} is not a folder` });
    symlinkSync('nowhere', join(tempDir(), 'dangling'));
    expect(await walkError(join(tempDir(), 'dangling'))).toMatchObject({ code: 'missing' });
    expect(await walkError(folder(), { batchSize: 0 })).toBeInstanceOf(RangeError);
  });

  it('stops when the signal aborts, and when the consumer stops early', async () => {
    const root = folder();
    for (let i = 0; i < 100; i += 1) put(root, `d${i % 4}/f${i}.txt`, 'x');
    const controller = new AbortController();
    const walker = walkFolderFiles(root, { batchSize: 10, signal: controller.signal });
    expect((await walker.next()).value?.files).toHaveLength(10);
    controller.abort();
    await expect(walker.next()).rejects.toMatchObject({ name: 'AbortError' });
    expect(await walker.next()).toEqual({ done: true, value: undefined });

    await expect(walk(root, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });

    let batches = 0;
    for await (const batch of walkFolderFiles(root, { batchSize: 10 })) {
      batches += batch.files.length > 0 ? 1 : 0;
      if (batches === 2) break;
    }
    expect(batches).toBe(2);
  });
});

/** The walk's outcome as the user nobody (uid 65534) sees it: folder-files.ts bundled with esbuild, run in plain Node. */
async function walkAsNobody(root: string): Promise<{ files: string[]; problems: FolderProblem[] } | { error: { name: string; code: string; message: string } }> {
  const bundleDir = mkdtempSync(join(tmpdir(), 'hoist-folder-files-bundle-'));
  try {
    chmodSync(bundleDir, 0o755);
    const bundle = join(bundleDir, 'folder-files.mjs');
    await build({ entryPoints: [fileURLToPath(new URL('./folder-files.ts', import.meta.url))], bundle: true, platform: 'node', format: 'esm', outfile: bundle, logLevel: 'silent' });
    const script = `
      import { walkFolderFiles } from ${JSON.stringify(pathToFileURL(bundle).href)};
      const files = [], problems = [];
      try {
        for await (const batch of walkFolderFiles(process.argv[1])) {
          files.push(...batch.files.map((f) => f.relPath));
          problems.push(...batch.problems);
        }
        console.log(JSON.stringify({ files, problems }));
      } catch (error) {
        console.log(JSON.stringify({ error: { name: error.name, code: error.code, message: error.message } }));
      }`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script, root], { uid: 65534, gid: 65534, cwd: '/', encoding: 'utf8' });
    return JSON.parse(output) as Awaited<ReturnType<typeof walkAsNobody>>;
  } finally {
    rmSync(bundleDir, { recursive: true, force: true });
  }
}
