import type { BigIntStats } from 'node:fs';
import { access, constants, lstat, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { SourceError } from '../engine/errors.ts';
import type { SourceStat } from '../engine/ports/byte-source.ts';
import { objectKeyFor } from './object-key.ts';

/** One regular file of a folder uploaded as one object per file. */
export interface FolderFile extends Pick<SourceStat, 'size' | 'mtimeNs' | 'fileId'> {
  /** '/'-separated, relative to the walked folder ("photos/a.jpg" for <root>/photos/a.jpg). */
  relPath: string;
  /** Absolute path to read the content from. */
  path: string;
}

export type FolderProblemKind = 'symlink' | 'not-a-regular-file' | 'unreadable' | 'unreadable-folder' | 'vanished' | 'bad-key' | 'hoist-state';

/** An entry that is not uploaded, and why, in words for the user ("photos/x.jpg: a symbolic link; links are not followed"). */
export interface FolderProblem {
  relPath: string;
  kind: FolderProblemKind;
  message: string;
}

export interface FolderBatch {
  files: FolderFile[];
  problems: FolderProblem[];
}

export interface WalkFolderOptions {
  /** Entries (files plus problems) per batch; the last batch may hold fewer. Default 500. */
  batchSize?: number;
  /** Stops the walk: the pending next() rejects with the signal's reason. */
  signal?: AbortSignal;
  /** When given, each file's key is checked with objectKeyFor(prefix, relPath); a refused one is a `bad-key` problem. */
  prefix?: string;
  /**
   * Folders never walked into, whatever path leads to them (matched by device and inode):
   * Hoist's own state directory, whose database changes while the folder is sent.
   */
  neverWalk?: readonly string[];
  /** Test seams: the per-entry calls (default: fs.promises.access, and lstat with bigint stats). */
  access?: (path: string, mode: number) => Promise<void>;
  lstat?: (path: string) => Promise<BigIntStats>;
}

export const DEFAULT_BATCH_SIZE = 500;

/** Entries of one folder examined at once: enough to overlap disk latency, few enough to spare the thread pool. */
const STAT_AHEAD = 32;

interface Ops {
  base: string;
  /** `dev:ino` of the folders never walked into. */
  neverWalk: ReadonlySet<string>;
  prefix: string | undefined;
  access: (path: string, mode: number) => Promise<void>;
  lstat: (path: string) => Promise<BigIntStats>;
}

interface Entry {
  name: Buffer;
  /** The name's UTF-8 bytes, with '/' appended for a folder: what entries are sorted by. */
  sortKey: Buffer;
  isDirectory: boolean;
}

type Examined = { file: FolderFile } | { problem: FolderProblem } | { folder: string };

/** One folder being walked: its sorted entries, and those examined ahead but not yet handed on. */
interface Frame {
  relDir: string;
  entries: Entry[];
  next: number;
  ready: Examined[];
  readyAt: number;
}

/**
 * Walks a folder and yields its regular files in batches while it goes, so an
 * upload can start on the first batch of a folder of 100,000 files. Memory is
 * bounded by the deepest chain of folders (each folder on it holds its sorted
 * list of names), never by the size of the tree.
 *
 * Order: depth first, entries sorted by the bytes of their UTF-8 names, a
 * folder sorted as its name plus '/'. So the files come in UTF-8 byte order of
 * relPath, the order S3 lists keys in ("a-b" < "a/b" < "a0"). Deterministic
 * for an unchanged folder (an entry that changes type during the walk may land
 * out of place).
 *
 * Symbolic links are never followed (the root itself may be one, as a user
 * picking it expects). Anything that is not uploaded (links, FIFOs, sockets,
 * devices, unreadable files and folders, entries removed mid-walk, names that
 * cannot be keys) is reported as a problem; empty folders produce nothing. The
 * walk throws (a SourceError, on the first next()) only when the root is not a
 * readable folder.
 */
export async function* walkFolderFiles(root: string, options: WalkFolderOptions = {}): AsyncGenerator<FolderBatch> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer, not ${batchSize}`);
  const { signal } = options;
  const ops: Ops = {
    base: resolve(root),
    neverWalk: await folderIds(options.neverWalk ?? []),
    prefix: options.prefix,
    access: options.access ?? access,
    lstat: options.lstat ?? ((path) => lstat(path, { bigint: true })),
  };
  signal?.throwIfAborted();
  const stack: Frame[] = [await openRoot(ops)];
  let batch: FolderBatch = { files: [], problems: [] };
  while (stack.length > 0) {
    signal?.throwIfAborted();
    const frame = stack[stack.length - 1] as Frame;
    if (frame.readyAt >= frame.ready.length) {
      if (frame.next >= frame.entries.length) {
        stack.pop();
        continue;
      }
      const chunk = frame.entries.slice(frame.next, frame.next + STAT_AHEAD);
      frame.next += chunk.length;
      frame.ready = await Promise.all(chunk.map((entry) => examine(ops, frame.relDir, entry)));
      frame.readyAt = 0;
    }
    const result = frame.ready[frame.readyAt] as Examined;
    frame.readyAt += 1;
    if ('folder' in result) {
      const child = await openFolder(ops, result.folder);
      if ('problem' in child) batch.problems.push(child.problem);
      else stack.push(child);
    } else if ('file' in result) batch.files.push(result.file);
    else batch.problems.push(result.problem);
    if (batch.files.length + batch.problems.length >= batchSize) {
      yield batch;
      batch = { files: [], problems: [] };
    }
  }
  if (batch.files.length + batch.problems.length > 0) yield batch;
}

/** Device and inode of each folder that exists (one that does not cannot be met on the walk). */
async function folderIds(paths: readonly string[]): Promise<Set<string>> {
  const ids = new Set<string>();
  for (const path of paths) {
    const info = await stat(path, { bigint: true }).catch(() => undefined);
    if (info?.isDirectory()) ids.add(`${info.dev}:${info.ino}`);
  }
  return ids;
}

async function openRoot(ops: Ops): Promise<Frame> {
  await checkFolderRoot(ops.base, ops.access);
  try {
    return frameFor('', await readdir(ops.base, { withFileTypes: true, encoding: 'buffer' }));
  } catch (error) {
    throw rootError(ops.base, error);
  }
}

/** Throws a SourceError saying why when `path` is not a folder that can be read. */
export async function checkFolderRoot(path: string, accessPath: Ops['access'] = access): Promise<void> {
  try {
    if (!(await stat(path)).isDirectory()) throw new SourceError('not-a-file', `${path} is not a folder`);
    await accessPath(path, constants.R_OK | constants.X_OK);
  } catch (error) {
    throw rootError(path, error);
  }
}

function rootError(path: string, error: unknown): SourceError {
  if (error instanceof SourceError) return error;
  const code = codeOf(error);
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SourceError('missing', `folder not found: ${path}`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new SourceError('unreadable', `permission denied reading folder ${path}`, { cause: error });
  return new SourceError('unreadable', `cannot read folder ${path}: ${(error as Error).message}`, { cause: error });
}

async function openFolder(ops: Ops, relPath: string): Promise<Frame | { problem: FolderProblem }> {
  const path = join(ops.base, relPath);
  try {
    // readdir needs read permission; lstat of the entries needs search (x) permission too.
    await ops.access(path, constants.R_OK | constants.X_OK);
    return frameFor(relPath, await readdir(path, { withFileTypes: true, encoding: 'buffer' }));
  } catch (error) {
    if (isGone(error)) return { problem: vanished(relPath) };
    return { problem: { relPath, kind: 'unreadable-folder', message: `${relPath}: the folder cannot be read (${reasonOf(error)}); everything in it is skipped` } };
  }
}

function frameFor(relDir: string, dirents: Array<{ name: Buffer; isDirectory(): boolean }>): Frame {
  const slash = Buffer.from('/');
  const entries = dirents.map((dirent): Entry => {
    const isDirectory = dirent.isDirectory();
    return { name: dirent.name, isDirectory, sortKey: isDirectory ? Buffer.concat([dirent.name, slash]) : dirent.name };
  });
  entries.sort((a, b) => Buffer.compare(a.sortKey, b.sortKey));
  return { relDir, entries, next: 0, ready: [], readyAt: 0 };
}

async function examine(ops: Ops, relDir: string, entry: Entry): Promise<Examined> {
  const name = entry.name.toString('utf8');
  const relPath = relDir === '' ? name : `${relDir}/${name}`;
  if (!Buffer.from(name, 'utf8').equals(entry.name)) {
    // Node could not even open it by this (mangled) string name.
    const what = entry.isDirectory ? 'the folder name is not valid UTF-8, so everything in it is skipped' : 'the name is not valid UTF-8';
    return problem(relPath, 'bad-key', `${what}; the real name cannot be reproduced in an S3 key`);
  }
  const path = join(ops.base, relPath);
  let info: BigIntStats;
  try {
    info = await ops.lstat(path);
  } catch (error) {
    if (isGone(error)) return { problem: vanished(relPath) };
    return problem(relPath, 'unreadable', `cannot be read (${reasonOf(error)})`);
  }
  if (info.isSymbolicLink()) return problem(relPath, 'symlink', 'a symbolic link; links are not followed');
  if (info.isDirectory()) {
    if (ops.neverWalk.has(`${info.dev}:${info.ino}`)) return problem(relPath, 'hoist-state', "Hoist's own state directory, never uploaded (its database changes while Hoist runs)");
    return { folder: relPath };
  }
  if (!info.isFile()) return problem(relPath, 'not-a-regular-file', `${specialKind(info)}, not a regular file`);
  if (ops.prefix !== undefined) {
    const key = objectKeyFor(ops.prefix, relPath);
    if ('problem' in key) return problem(relPath, 'bad-key', key.problem);
  }
  try {
    // lstat succeeds on a file nobody may read: better to say so now than fail mid-upload.
    await ops.access(path, constants.R_OK);
  } catch (error) {
    if (isGone(error)) return { problem: vanished(relPath) };
    return problem(relPath, 'unreadable', `cannot be read (${reasonOf(error)})`);
  }
  // The same shape as FileSource.stat (main/source/file-source.ts), so the engine sees the same identity later.
  return { file: { relPath, path, size: Number(info.size), mtimeNs: info.mtimeNs.toString(), fileId: `${info.dev}:${info.ino}` } };
}

function problem(relPath: string, kind: FolderProblemKind, what: string): { problem: FolderProblem } {
  return { problem: { relPath, kind, message: `${relPath}: ${what}` } };
}

function vanished(relPath: string): FolderProblem {
  return { relPath, kind: 'vanished', message: `${relPath}: removed or replaced while the folder was being read` };
}

function specialKind(info: BigIntStats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isSocket()) return 'a socket';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isCharacterDevice()) return 'a character device';
  return 'an unknown kind of entry';
}

function codeOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}

function isGone(error: unknown): boolean {
  const code = codeOf(error);
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function reasonOf(error: unknown): string {
  const code = codeOf(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return (error as Error).message;
}
