import { resolve } from 'node:path';
import type { FolderLister } from '../engine/ports/folder-lister.ts';
import { checkFolderRoot, walkFolderFiles } from './folder-files.ts';

/** The engine's FolderLister port over the local file system (see folder-files.ts). */
export const localFolderLister: FolderLister = {
  check: (root) => checkFolderRoot(resolve(root)),
  walk: (root, options) => walkFolderFiles(root, options),
};
