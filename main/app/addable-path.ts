import { lstat, realpath } from 'node:fs/promises';
import { isAbsolute, relative, sep } from 'node:path';

/*
 * What a request from a window may name as something to upload. Whoever
 * drives the UI's channels (a compromised renderer, a page holding the
 * headless token) must not make Hoist read the kernel's files, its own state
 * database, or a path relative to wherever Hoist happened to start. Main
 * checks every path: absolute, a regular file or a folder once links are
 * resolved, and outside the places below. The CLI is not held to this: a
 * shell user can read those files anyway.
 */

/** Never read for a window, whatever the path says: the kernel's views of processes, devices and itself. */
const SYSTEM_DIRS = ['/proc', '/sys', '/dev'];

/** Why the path may not be added, or undefined when it may. `stateDir`: Hoist's own state directory, never uploaded. */
export async function addablePathProblem(path: string, stateDir: string | undefined): Promise<string | undefined> {
  if (!isAbsolute(path)) return `${path}: give the full path (from /); a relative path would be read from wherever Hoist was started`;
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    // Missing or unreadable: adding it says which, as before.
    return undefined;
  }
  const ownState = stateDir === undefined ? undefined : await realpath(stateDir).catch(() => stateDir);
  if (ownState !== undefined && isInside(real, ownState)) return `${path}: Hoist's own state directory is never uploaded`;
  const system = SYSTEM_DIRS.find((dir) => isInside(real, dir));
  if (system) return `${path}: files under ${system} are not uploaded`;
  const stat = await lstat(real);
  if (!stat.isFile() && !stat.isDirectory()) return `${path}: only regular files and folders can be uploaded`;
  return undefined;
}

function isInside(path: string, dir: string): boolean {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}
