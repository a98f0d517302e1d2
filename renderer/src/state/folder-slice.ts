// Folder uploads (a folder sent as one object per file) as the store mirrors
// them: one row each from `folders.list`, then `folders.changed` /
// `folders.removed` events; and, for the rows the user expanded, the pages of
// their files loaded so far (`folders.files`).
import type { FolderFileView, FolderFileViewState, FolderView } from '../../../shared/ipc-contract.ts';

/** Which of an expanded folder's files are listed. */
export type FileFilter = 'all' | 'notSent' | 'there' | 'sent' | 'waiting' | 'differs';

/** The file states each filter asks main for; undefined: every state. */
export const FILTER_STATES: Record<FileFilter, FolderFileViewState[] | undefined> = {
  all: undefined,
  notSent: ['failed', 'changed', 'removed', 'problem'],
  there: ['there'],
  sent: ['done'],
  waiting: ['pending', 'sending'],
  differs: ['differs', 'kept'],
};

/** An expanded folder's list of files: the pages loaded so far, in path order. */
export interface FolderFiles {
  filter: FileFilter;
  files: readonly FolderFileView[];
  /** A page request is in flight. */
  loading: boolean;
  /** The last page came back short: there is nothing after it. */
  complete: boolean;
  error: string | null;
}

export interface FolderSlice {
  /** Folder rows by id; replaced (never mutated) on change. */
  folders: ReadonlyMap<string, FolderView>;
  /** Folder rows in order: as main listed them, then in order of first appearance. */
  folderOrder: readonly string[];
  /** Only the expanded folders have an entry. */
  folderFiles: ReadonlyMap<string, FolderFiles>;

  /** Call before requesting `folders.list`; events that arrive meanwhile are kept. */
  beginFolderListLoad(): void;
  applyFolderList(rows: readonly FolderView[]): void;
  applyFoldersChanged(rows: readonly FolderView[]): void;
  applyFoldersRemoved(ids: readonly string[]): void;
  /** Expands (with an empty list to fill) or collapses a folder row. */
  setFolderExpanded(id: string, expanded: boolean): void;
  updateFolderFiles(id: string, patch: Partial<FolderFiles>): void;
}

type SetState = (partial: Partial<FolderSlice>) => void;
type GetState = () => FolderSlice;

export const EMPTY_FILES: FolderFiles = { filter: 'all', files: [], loading: false, complete: false, error: null };

export function createFolderSlice(set: SetState, get: GetState): FolderSlice {
  // Bookkeeping for a list request in flight; not state anyone renders.
  let loading = false;
  const touchedWhileLoading = new Set<string>();
  const removedWhileLoading = new Set<string>();

  return {
    folders: new Map(),
    folderOrder: [],
    folderFiles: new Map(),

    beginFolderListLoad() {
      loading = true;
      touchedWhileLoading.clear();
      removedWhileLoading.clear();
    },

    applyFolderList(rows) {
      // A row from an event received while the list was in flight is at least as new as the list's.
      const previous = get().folders;
      const folders = new Map<string, FolderView>();
      const order: string[] = [];
      for (const row of rows) {
        if (removedWhileLoading.has(row.id) || folders.has(row.id)) continue;
        folders.set(row.id, touchedWhileLoading.has(row.id) ? (previous.get(row.id) ?? row) : row);
        order.push(row.id);
      }
      for (const id of get().folderOrder) {
        const row = previous.get(id);
        if (row && !folders.has(id) && touchedWhileLoading.has(id)) {
          folders.set(id, row);
          order.push(id);
        }
      }
      loading = false;
      touchedWhileLoading.clear();
      removedWhileLoading.clear();
      set({ folders, folderOrder: order, folderFiles: keepOnly(get().folderFiles, folders) });
    },

    applyFoldersChanged(rows) {
      if (rows.length === 0) return;
      const { folders: previous, folderOrder } = get();
      const folders = new Map(previous);
      let order: string[] | null = null;
      for (const row of rows) {
        if (loading) touchedWhileLoading.add(row.id);
        if (!folders.has(row.id)) (order ??= [...folderOrder]).push(row.id);
        folders.set(row.id, row);
      }
      set(order ? { folders, folderOrder: order } : { folders });
    },

    applyFoldersRemoved(ids) {
      if (ids.length === 0) return;
      if (loading) for (const id of ids) removedWhileLoading.add(id);
      const { folders: previous, folderOrder } = get();
      if (!ids.some((id) => previous.has(id))) return;
      const gone = new Set(ids);
      const folders = new Map(previous);
      for (const id of ids) folders.delete(id);
      set({ folders, folderOrder: folderOrder.filter((id) => !gone.has(id)), folderFiles: keepOnly(get().folderFiles, folders) });
    },

    setFolderExpanded(id, expanded) {
      const folderFiles = new Map(get().folderFiles);
      if (expanded) folderFiles.set(id, folderFiles.get(id) ?? EMPTY_FILES);
      else folderFiles.delete(id);
      set({ folderFiles });
    },

    updateFolderFiles(id, patch) {
      const current = get().folderFiles.get(id);
      // Collapsed meanwhile: an answer arriving late is dropped.
      if (!current) return;
      const folderFiles = new Map(get().folderFiles);
      folderFiles.set(id, { ...current, ...patch });
      set({ folderFiles });
    },
  };
}

/** The expanded lists of folders that still exist. */
function keepOnly(files: ReadonlyMap<string, FolderFiles>, folders: ReadonlyMap<string, FolderView>): ReadonlyMap<string, FolderFiles> {
  if ([...files.keys()].every((id) => folders.has(id))) return files;
  return new Map([...files].filter(([id]) => folders.has(id)));
}
