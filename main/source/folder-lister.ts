import { resolve } from 'node:path';
import type { FolderLister } from '../engine/ports/folder-lister.ts';
import { checkFolderRoot, walkFolderFiles } from './folder-files.ts';

/**
 * The engine's FolderLister port over the local file system (see folder-files.ts).
 * `stateDir`: Hoist's own state directory, skipped (and named) where a folder holds it,
 * as a home folder does.
 */
export function folderListerFor(stateDir: string | undefined): FolderLister {
  const neverWalk = stateDir === undefined ? [] : [stateDir];
  return {
    check: (root) => checkFolderRoot(resolve(root)),
    walk: (root, options) => walkFolderFiles(root, { ...options, neverWalk }),
  };
}

/** For tests and tools with no state directory of their own. */
export const localFolderLister: FolderLister = folderListerFor(undefined);
