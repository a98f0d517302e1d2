import type { Migration } from './migration.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';
import sources from './004-sources.ts';
import folders from './005-folders.ts';
import folderDiffers from './006-folder-differs.ts';
import keyGuard from './007-key-guard.ts';

export type { Migration } from './migration.ts';

/** Every schema step, oldest first. Append new steps; never reorder or edit released ones. */
export const MIGRATIONS: readonly Migration[] = [initial, appState, integrity, sources, folders, folderDiffers, keyGuard];
