import { createHash } from 'node:crypto';
import { access, constants, lstat, readdir, readlink, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { SourceError } from '../engine/errors.ts';

export type EntryKind = 'file' | 'dir' | 'symlink';

export interface SnapshotEntry {
  /** POSIX path relative to the folder's parent: the folder's own name first ("photos", "photos/a.jpg"). */
  path: string;
  kind: EntryKind;
  /** Content bytes of a file; 0 for folders and links. */
  size: number;
  /** Modification time in nanoseconds, as fs.stat reports it with bigint: full precision. */
  mtimeNs: string;
  /** Permission bits (mode & 0o7777). */
  mode: number;
  /** Where a symbolic link points, as stored in the link (never followed). */
  linkTarget?: string;
}

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface FolderSnapshot {
  /** The folder's absolute path: where the entries' content is read from. */
  root: string;
  /** Sorted by the UTF-8 bytes of `path`, so two walks of an unchanged folder are identical. */
  entries: SnapshotEntry[];
  /** What a tar archive cannot carry (sockets, FIFOs, devices) or a name that cannot be written down exactly. */
  skipped: SkippedEntry[];
}

/** Directory entries examined at once: enough to overlap disk latency, few enough to spare file descriptors. */
const STAT_BATCH = 32;

/**
 * Lists a folder for archiving. The folder's own name is the first path
 * component, so the archive extracts into one folder rather than scattering
 * its content. Symbolic links inside are recorded, never followed (a link loop
 * cannot trap the walk and nothing outside the folder is read); the folder
 * argument itself may be a link, as a user would expect when picking it.
 */
export async function takeSnapshot(dir: string): Promise<FolderSnapshot> {
  const root = resolve(dir);
  const name = basename(root);
  let info;
  try {
    info = await stat(root, { bigint: true });
  } catch (error) {
    throw walkError(error, root, 'folder');
  }
  if (!info.isDirectory()) throw new SourceError('not-a-file', `${root} is not a folder`);
  if (name === '') throw new SourceError('not-a-file', `${root} is the filesystem root, which cannot be archived as one folder`);

  const entries: SnapshotEntry[] = [entryFrom(name, 'dir', info)];
  const skipped: SkippedEntry[] = [];
  const pending = [name];
  while (pending.length > 0) {
    const relDir = pending.pop() as string;
    const absDir = entryLocation(root, relDir);
    let names: Buffer[];
    try {
      // Buffers, not strings: a name that is not valid UTF-8 would otherwise be silently mangled.
      names = await readdir(absDir, { encoding: 'buffer' });
    } catch (error) {
      if (isGone(error)) continue;
      throw walkError(error, absDir, 'folder');
    }
    for (let start = 0; start < names.length; start += STAT_BATCH) {
      const batch = names.slice(start, start + STAT_BATCH);
      const found = await Promise.all(batch.map((raw) => examine(root, relDir, raw)));
      for (const result of found) {
        if (result === undefined) continue;
        if ('reason' in result) skipped.push(result);
        else {
          entries.push(result);
          if (result.kind === 'dir') pending.push(result.path);
        }
      }
    }
  }
  entries.sort((a, b) => comparePaths(a.path, b.path));
  skipped.sort((a, b) => comparePaths(a.path, b.path));
  return { root, entries, skipped };
}

async function examine(root: string, relDir: string, raw: Buffer): Promise<SnapshotEntry | SkippedEntry | undefined> {
  const name = raw.toString('utf8');
  const path = `${relDir}/${name}`;
  if (!Buffer.from(name, 'utf8').equals(raw)) return { path, reason: 'name is not valid UTF-8' };
  const abs = entryLocation(root, path);
  let info;
  try {
    info = await lstat(abs, { bigint: true });
  } catch (error) {
    // Removed while the walk ran: it is simply not part of this listing.
    if (isGone(error)) return undefined;
    throw walkError(error, abs, 'entry');
  }
  if (info.isDirectory()) return entryFrom(path, 'dir', info);
  if (info.isFile()) {
    // lstat succeeds on a file nobody may read; better to refuse now than fail mid-upload.
    try {
      await access(abs, constants.R_OK);
    } catch (error) {
      if (isGone(error)) return undefined;
      throw walkError(error, abs, 'file');
    }
    return entryFrom(path, 'file', info);
  }
  if (info.isSymbolicLink()) {
    let target: Buffer;
    try {
      target = await readlink(abs, { encoding: 'buffer' });
    } catch (error) {
      if (isGone(error)) return undefined;
      throw walkError(error, abs, 'link');
    }
    const text = target.toString('utf8');
    if (!Buffer.from(text, 'utf8').equals(target)) return { path, reason: 'link target is not valid UTF-8' };
    return { ...entryFrom(path, 'symlink', info), linkTarget: text };
  }
  if (info.isSocket()) return { path, reason: 'socket' };
  if (info.isFIFO()) return { path, reason: 'named pipe (FIFO)' };
  if (info.isBlockDevice()) return { path, reason: 'block device' };
  if (info.isCharacterDevice()) return { path, reason: 'character device' };
  return { path, reason: 'not a file, folder or link' };
}

/** Where an entry lives on disk: entry paths start with the folder's own name. */
export function entryLocation(root: string, path: string): string {
  return join(dirname(root), path);
}

function entryFrom(path: string, kind: EntryKind, info: { size: bigint; mtimeNs: bigint; mode: bigint }): SnapshotEntry {
  return { path, kind, size: kind === 'file' ? Number(info.size) : 0, mtimeNs: info.mtimeNs.toString(), mode: Number(info.mode & 0o7777n) };
}

function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

function walkError(error: unknown, path: string, what: string): SourceError {
  const code = (error as NodeJS.ErrnoException).code;
  if (isGone(error)) return new SourceError('missing', `${what} not found: ${path}`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new SourceError('unreadable', `permission denied reading ${path}`, { cause: error });
  return new SourceError('unreadable', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
}

/** Byte order of the UTF-8 encodings: the same on every platform, unlike UTF-16 code unit order for characters beyond U+FFFF. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

type EntryTuple = [string, EntryKind, number, string, number, string | null];

function toTuple(entry: SnapshotEntry): EntryTuple {
  return [entry.path, entry.kind, entry.size, entry.mtimeNs, entry.mode, entry.linkTarget ?? null];
}

/**
 * Hex SHA-256 of the entries in a canonical form (fixed field order, no
 * whitespace): equal digests mean equal listings. The root path and the
 * skipped list are left out: neither changes a byte of the archive.
 */
export function snapshotDigest(snapshot: Pick<FolderSnapshot, 'entries'>): string {
  const hash = createHash('sha256').update('hoist-folder-snapshot-v1\n');
  for (const entry of snapshot.entries) hash.update(`${JSON.stringify(toTuple(entry))}\n`);
  return hash.digest('hex');
}

/** A compact JSON form to store with an upload; parseSnapshot reads it back. */
export function serializeSnapshot(snapshot: FolderSnapshot): string {
  return JSON.stringify({ v: 1, root: snapshot.root, entries: snapshot.entries.map(toTuple), skipped: snapshot.skipped });
}

export function parseSnapshot(text: string): FolderSnapshot {
  const data = JSON.parse(text) as { v?: unknown; root?: unknown; entries?: unknown; skipped?: unknown };
  if (data.v !== 1 || typeof data.root !== 'string' || !Array.isArray(data.entries) || !Array.isArray(data.skipped)) {
    throw new Error('not a folder snapshot (version 1)');
  }
  const entries = data.entries.map((tuple: unknown): SnapshotEntry => {
    if (!isEntryTuple(tuple)) throw new Error(`not a folder snapshot entry: ${JSON.stringify(tuple)}`);
    const [path, kind, size, mtimeNs, mode, linkTarget] = tuple;
    return linkTarget === null ? { path, kind, size, mtimeNs, mode } : { path, kind, size, mtimeNs, mode, linkTarget };
  });
  const skipped = data.skipped.map((item: unknown): SkippedEntry => {
    const { path, reason } = (item ?? {}) as Partial<SkippedEntry>;
    if (typeof path !== 'string' || typeof reason !== 'string') throw new Error(`not a skipped entry: ${JSON.stringify(item)}`);
    return { path, reason };
  });
  return { root: data.root, entries, skipped };
}

function isEntryTuple(value: unknown): value is EntryTuple {
  if (!Array.isArray(value) || value.length !== 6) return false;
  const [path, kind, size, mtimeNs, mode, linkTarget] = value as unknown[];
  return (
    typeof path === 'string' &&
    (kind === 'file' || kind === 'dir' || kind === 'symlink') &&
    Number.isSafeInteger(size) &&
    typeof mtimeNs === 'string' &&
    /^-?\d+$/.test(mtimeNs) &&
    Number.isInteger(mode) &&
    (linkTarget === null || typeof linkTarget === 'string')
  );
}

/** Lines shown before the rest are summed up as "and N more". */
export const DIFF_LINE_LIMIT = 10;

/**
 * What changed between two listings, one line per path in path order:
 * "photos/a.jpg: size 100 → 120", "b.txt: added". A folder whose only change
 * is its mtime is mentioned only when nothing else explains the difference:
 * adding or removing a file inside already says why.
 */
export function diffSnapshots(before: Pick<FolderSnapshot, 'entries'>, after: Pick<FolderSnapshot, 'entries'>, limit = DIFF_LINE_LIMIT): string[] {
  const old = new Map(before.entries.map((entry) => [entry.path, entry]));
  const now = new Map(after.entries.map((entry) => [entry.path, entry]));
  const paths = [...new Set([...old.keys(), ...now.keys()])].sort(comparePaths);
  const lines: string[] = [];
  const folderTimes: string[] = [];
  for (const path of paths) {
    const a = old.get(path);
    const b = now.get(path);
    if (!a) lines.push(`${path}: added`);
    else if (!b) lines.push(`${path}: removed`);
    else {
      const changes = entryChanges(a, b);
      if (changes.length > 0) lines.push(`${path}: ${changes.join(', ')}`);
      else if (a.mtimeNs !== b.mtimeNs) folderTimes.push(`${path}: modified`);
    }
  }
  const all = lines.length > 0 ? lines : folderTimes;
  if (all.length <= limit) return all;
  return [...all.slice(0, limit), `and ${all.length - limit} more`];
}

const KIND_NAMES: Record<EntryKind, string> = { file: 'a file', dir: 'a folder', symlink: 'a symbolic link' };

function entryChanges(a: SnapshotEntry, b: SnapshotEntry): string[] {
  if (a.kind !== b.kind) return [`was ${KIND_NAMES[a.kind]}, now ${KIND_NAMES[b.kind]}`];
  const changes: string[] = [];
  if (a.size !== b.size) changes.push(`size ${a.size} → ${b.size}`);
  if (a.linkTarget !== b.linkTarget) changes.push(`link target ${a.linkTarget ?? ''} → ${b.linkTarget ?? ''}`);
  if (a.mode !== b.mode) changes.push(`permissions ${a.mode.toString(8)} → ${b.mode.toString(8)}`);
  // A new size already implies new content; "modified" is for content changed in place.
  if (changes.length === 0 && a.mtimeNs !== b.mtimeNs && a.kind !== 'dir') changes.push('modified');
  return changes;
}
