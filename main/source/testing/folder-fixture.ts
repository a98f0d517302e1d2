import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';

// Folders for the archive tests, and an independent description of a tree on
// disk (plain readdir and lstat, not the code under test) to compare a folder
// with what GNU tar extracted from its archive.

export const MiB = 1024 * 1024;
/** The system tar the archives are checked with: GNU tar, as on Debian. */
export const TAR = '/usr/bin/tar';

/** A fresh temp folder per test, world-traversable so a test may read it as another user; removed afterwards. */
export function useTempDir(prefix: string): () => string {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), prefix));
    chmodSync(dir, 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  return () => dir;
}

/** A path of more than 100 bytes that ustar still holds (prefix and name), and one of more than 256 that needs PAX. */
export const LONG_PATH = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}.txt`;
export const VERY_LONG_PATH = `${['x'.repeat(90), 'y'.repeat(90), 'z'.repeat(90)].join('/')}/file.bin`;
export const UNICODE_NAME = 'café ünï 写真.txt';
export const LONG_LINK_TARGET = 't'.repeat(150);

/** Every mtime in the sample is whole seconds, as the archive stores them, so extracted trees compare equal. */
export const BASE_SECONDS = 1_700_000_000;

/**
 * A folder holding every kind of entry the archive must carry: nested folders,
 * an empty file and folder, a file over 5 MiB (so 5 MiB parts cross entry
 * boundaries), long and non-ASCII names, links (a loop, a self-loop, long and
 * non-ASCII targets) and an executable.
 */
export function makeSampleFolder(parent: string, name = 'photos'): string {
  const root = join(parent, name);
  const files: Record<string, Uint8Array | string> = {
    'a.txt': 'hello\n',
    'big.bin': randomBytes(6 * MiB + 1234),
    'empty.txt': '',
    [UNICODE_NAME]: 'ünïcode\n',
    [LONG_PATH]: 'long\n',
    [VERY_LONG_PATH]: randomBytes(700),
    'sub/inner/deep.txt': 'deep\n',
  };
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  chmodSync(join(root, 'a.txt'), 0o755);
  mkdirSync(join(root, 'empty-dir'));
  symlinkSync('a.txt', join(root, 'link'));
  symlinkSync('../../photos', join(root, 'sub', 'loop'));
  symlinkSync('self', join(root, 'self'));
  symlinkSync(LONG_LINK_TARGET, join(root, 'long-link'));
  symlinkSync(UNICODE_NAME, join(root, 'ünï-link'));
  setWholeSecondTimes(root);
  return root;
}

/** Sets every entry's mtime to whole seconds, contents before their folder (writing into a folder changes its mtime). */
export function setWholeSecondTimes(root: string, base = BASE_SECONDS): void {
  let next = base;
  const visit = (path: string): void => {
    const info = lstatSync(path);
    if (info.isDirectory()) for (const name of readdirSync(path).sort()) visit(join(path, name));
    next += 1;
    if (info.isSymbolicLink()) lutimesSync(path, next, next);
    else utimesSync(path, next, next);
  };
  visit(root);
}

export interface TreeEntry {
  kind: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  mtimeSeconds: number;
  size?: number;
  sha256?: string;
  linkTarget?: string;
}

/** Every entry under root (root itself as "."), by relative path: what must survive a trip through tar. */
export function describeTree(root: string): Record<string, TreeEntry> {
  const tree: Record<string, TreeEntry> = {};
  const visit = (path: string, rel: string): void => {
    const info = lstatSync(path);
    const base = { mode: info.mode & 0o7777, mtimeSeconds: Math.floor(info.mtimeMs / 1000) };
    if (info.isSymbolicLink()) tree[rel] = { kind: 'symlink', ...base, mode: 0, linkTarget: readlinkSync(path) };
    else if (info.isFile()) tree[rel] = { kind: 'file', ...base, size: info.size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') };
    else if (info.isDirectory()) {
      tree[rel] = { kind: 'dir', ...base };
      for (const name of readdirSync(path)) visit(join(path, name), rel === '.' ? name : `${rel}/${name}`);
    } else tree[rel] = { kind: 'other', ...base };
  };
  visit(root, '.');
  return tree;
}

/** Runs GNU tar; returns stdout. Throws (with tar's stderr) when it fails. */
export function runTar(args: string[], cwd?: string): string {
  return execFileSync(TAR, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C.UTF-8' } });
}

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}
