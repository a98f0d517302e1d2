import type { Dirent } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import type { BrowseEntry, BrowseResult } from '../../shared/ipc-contract.ts';
import { UserFacingError } from './dispatch.ts';

/*
 * The headless page's picker: the folders of the machine Hoist runs on, one
 * page at a time, from the user's home folder. A browser cannot tell Hoist
 * where a dropped file lives, so this is how the page names files without
 * typing paths. It lists names, kinds and sizes only (never contents), behind
 * the token like every request, and under the rules of adding (addable-path.ts):
 * never the kernel's /proc, /sys and /dev, nor Hoist's own state directory,
 * which are left out of listings too. A huge folder is listed up to a cap.
 */

/** Names read from one folder at most; beyond, the listing says it is capped (type a path instead). */
export const MAX_NAMES = 100_000;
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Why the folder may not be listed, or undefined. `real`: links resolved. */
function refusal(real: string, ownState: string | undefined): string | undefined {
  if (ownState !== undefined && isInside(real, ownState)) return "Hoist's own state directory is not shown";
  const system = SYSTEM_DIRS.find((dir) => isInside(real, dir));
  return system ? `${system} is not shown: nothing under it is uploaded` : undefined;
}

const byName = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
const rank = { folder: 0, file: 1, other: 2 } as const;

async function entryOf(folder: string, name: string): Promise<BrowseEntry> {
  try {
    // stat, not lstat: a link is what it points at (adding it resolves it the same way).
    const info = await stat(join(folder, name));
    if (info.isDirectory()) return { name, kind: 'folder', size: null };
    if (info.isFile()) return { name, kind: 'file', size: info.size };
  } catch {
    // A dangling link, or no permission: shown, but not something to add.
  }
  return { name, kind: 'other', size: null };
}

export async function browseFolder(input: { path: string | null; offset: number; limit: number }, stateDir: string | undefined, home = homedir()): Promise<BrowseResult> {
  const asked = input.path ?? home;
  if (!isAbsolute(asked)) throw new UserFacingError('invalid-payload', `${asked}: give the full path (from /)`);
  let real: string;
  try {
    real = await realpath(asked);
  } catch {
    throw new UserFacingError('not-found', `${asked}: no such folder`);
  }
  const ownState = stateDir === undefined ? undefined : await realpath(stateDir).catch(() => stateDir);
  const refused = refusal(real, ownState);
  if (refused) throw new UserFacingError('forbidden', `${asked}: ${refused}`);

  let dirents: Dirent[];
  try {
    dirents = await readdir(real, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw new UserFacingError('invalid-payload', `${asked} is a file, not a folder`);
    throw new UserFacingError('failed', `${asked}: cannot be read (${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? 'error')})`);
  }
  // A link is left out when it leads into a place that is never shown (the state directory from home, say).
  const shown = async (entry: Dirent): Promise<boolean> => {
    const path = join(real, entry.name);
    const resolved = entry.isSymbolicLink() ? await realpath(path).catch(() => path) : path;
    return refusal(resolved, ownState) === undefined;
  };
  let names: string[] = [];
  for (let i = 0; i < dirents.length && names.length <= MAX_NAMES; i += 256) {
    const batch = dirents.slice(i, i + 256);
    const keep = await Promise.all(batch.map(shown));
    names.push(...batch.filter((_, index) => keep[index]).map((entry) => entry.name));
  }
  const capped = names.length > MAX_NAMES;
  if (capped) names = names.slice(0, MAX_NAMES);

  // Kinds for the sort: every name is stat'ed, in batches so a big folder does not open thousands of requests at once.
  const all: BrowseEntry[] = [];
  for (let i = 0; i < names.length; i += 256) all.push(...(await Promise.all(names.slice(i, i + 256).map((name) => entryOf(real, name)))));
  all.sort((a, b) => rank[a.kind] - rank[b.kind] || byName.compare(a.name, b.name));

  const parent = dirname(real) === real || refusal(dirname(real), ownState) !== undefined ? null : dirname(real);
  return { path: real, parent, entries: all.slice(input.offset, input.offset + input.limit), total: all.length, capped };
}
