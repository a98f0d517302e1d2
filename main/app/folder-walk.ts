import { lstat, opendir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export interface WalkedFile {
  path: string;
  /** Path relative to the dropped folder's parent, with "/" separators: the object key under the prefix. */
  keySuffix: string;
}

export interface WalkResult {
  files: WalkedFile[];
  skipped: Array<{ path: string; reason: string }>;
}

/**
 * Lists every regular file under a dropped folder. Symbolic links are not
 * followed (so a link loop cannot trap the walk, and nothing outside the
 * folder is uploaded by surprise); they are reported as skipped, as are
 * entries that cannot be read.
 */
export async function walkFolder(root: string, limit = 100_000): Promise<WalkResult> {
  const base = join(root, '..');
  const result: WalkResult = { files: [], skipped: [] };
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop() as string;
    let handle;
    try {
      handle = await opendir(dir);
    } catch (error) {
      result.skipped.push({ path: dir, reason: describeFsError(error) });
      continue;
    }
    const entries = [];
    for await (const entry of handle) entries.push(entry);
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isSymbolicLink()) result.skipped.push({ path, reason: 'symbolic link (not followed)' });
      else if (entry.isDirectory()) pending.push(path);
      else if (entry.isFile()) result.files.push({ path, keySuffix: relative(base, path).split(sep).join('/') });
      else result.skipped.push({ path, reason: 'not a regular file' });
      if (result.files.length > limit) throw new Error(`${root} holds more than ${limit} files; add it in smaller pieces`);
    }
  }
  result.files.sort((a, b) => (a.keySuffix < b.keySuffix ? -1 : 1));
  return result;
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await lstat(path)).isDirectory();
  } catch {
    return false;
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'not found';
  return (error as Error).message;
}
