// What the folder rows ask main: the list, pause, resume, cancel and the
// choice about files that differ from the server's objects (a failure is a
// notice, as for uploads), and an expanded folder's files page by page (a
// failure shows in that list, where it was asked for).
import type { DifferingChoiceView, HoistBridge, RequestInput, RequestName, RequestOutput } from '../../../shared/ipc-contract.ts';
import { cleanMessage } from '../lib/format.ts';
import { EMPTY_FILES, FILTER_STATES } from './folder-slice.ts';
import type { FileFilter } from './folder-slice.ts';
import type { HoistStore } from './hoist-store.ts';

/** Files asked for per page. */
export const FILES_PAGE = 200;
/** A refresh of an expanded list asks again for what it shows, up to this many files (the contract's limit). */
const REFRESH_MAX = 1000;

type Request = <N extends RequestName>(name: N, input: RequestInput<N>) => Promise<RequestOutput<N> | undefined>;

export type FolderActions = ReturnType<typeof createFolderActions>;

export function createFolderActions(bridge: HoistBridge, store: HoistStore, request: Request) {
  const state = () => store.getState();
  const ok = (value: unknown) => value !== undefined;
  /** Per folder, the newest files request: an older answer arriving after it is dropped. */
  const latest = new Map<string, number>();
  let nextRequest = 1;

  async function refreshFolders(): Promise<void> {
    state().beginFolderListLoad();
    const rows = await request('folders.list', {});
    // A bridge that answers every request with a stock value (the queue benchmark's) has no folders.
    if (Array.isArray(rows)) state().applyFolderList(rows);
  }

  /** One page of files: after the last one shown (more), or from the start again (refresh, a new filter). */
  async function loadFiles(id: string, mode: 'more' | 'refresh'): Promise<void> {
    const current = state().folderFiles.get(id);
    if (!current || (mode === 'more' && (current.loading || current.complete))) return;
    const after = mode === 'more' ? (current.files.at(-1)?.relPath ?? null) : null;
    const limit = mode === 'more' ? FILES_PAGE : Math.min(REFRESH_MAX, Math.max(FILES_PAGE, current.files.length));
    const states = FILTER_STATES[current.filter];
    const ticket = nextRequest++;
    latest.set(id, ticket);
    state().updateFolderFiles(id, { loading: true });
    let answer: { files: RequestOutput<'folders.files'> } | { error: string };
    try {
      const envelope = await bridge.invoke('folders.files', { folderId: id, after, limit, ...(states ? { states } : {}) });
      answer = envelope.ok ? { files: envelope.value } : { error: cleanMessage(envelope.error.message) };
    } catch (error) {
      answer = { error: cleanMessage(error instanceof Error ? error.message : String(error)) };
    }
    if (latest.get(id) !== ticket) return;
    if ('error' in answer) return state().updateFolderFiles(id, { loading: false, error: answer.error });
    const before = mode === 'more' ? (state().folderFiles.get(id)?.files ?? []) : [];
    state().updateFolderFiles(id, { loading: false, error: null, files: [...before, ...answer.files], complete: answer.files.length < limit });
  }

  return {
    refreshFolders,
    pauseFolder: async (id: string) => ok(await request('folders.pause', { id })),
    resumeFolder: async (id: string, sendChanged = false) => ok(await request('folders.resume', { id, sendChanged })),
    cancelFolder: async (id: string) => ok(await request('folders.cancel', { id })),
    /** Only the folder and the choice: main picks the differing files and the objects they may replace. */
    settleDiffering: async (id: string, choice: DifferingChoiceView) => ok(await request('folders.settleDiffering', { id, choice })),

    /** Expands a folder row and loads its first page of files, or collapses it. */
    async toggleFolder(id: string): Promise<void> {
      if (state().folderFiles.has(id)) return state().setFolderExpanded(id, false);
      state().setFolderExpanded(id, true);
      await loadFiles(id, 'more');
    },

    /** The next page, when there may be one. */
    loadMoreFiles: (id: string) => loadFiles(id, 'more'),

    /** The files shown, asked for again (their states moved on). */
    refreshFiles: (id: string) => loadFiles(id, 'refresh'),

    async setFileFilter(id: string, filter: FileFilter): Promise<void> {
      if (!state().folderFiles.has(id)) return;
      state().updateFolderFiles(id, { ...EMPTY_FILES, filter });
      await loadFiles(id, 'more');
    },
  };
}
