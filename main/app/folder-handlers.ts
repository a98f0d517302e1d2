import type { FolderFileView } from '../../shared/ipc-contract.ts';
import type { FolderFileRecord, FolderFileState } from '../engine/ports/folder-store.ts';
import { UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import type { HandlerContext } from './handler-context.ts';

type FolderHandlers = Pick<RequestHandlers, 'folders.list' | 'folders.files' | 'folders.pause' | 'folders.resume' | 'folders.cancel' | 'folders.settleDiffering'>;

const ALL_STATES: readonly FolderFileState[] = ['pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem', 'differs', 'kept'];
const OK = { ok: true } as const;

/** The folder rows' requests: the list, a folder's files page by page, pause, resume, cancel, and the choice about files that differ from the server's objects. */
export function createFolderHandlers(app: Pick<HandlerContext, 'folders'>): FolderHandlers {
  const { folders } = app;

  const requireFolder = (id: string) => {
    const folder = folders.get(id);
    if (!folder) throw new UserFacingError('not-found', `no folder upload with id ${id}`);
    return folder;
  };

  return {
    'folders.list': async () => folders.views(),

    // Paged by the last path seen, so each page is one index range of the state database however big the folder.
    'folders.files': async ({ folderId, states, after, limit }) =>
      folders.engine.store.listFolderFiles(requireFolder(folderId).id, states ?? ALL_STATES, after, limit).map(toFileView),

    'folders.pause': async ({ id }) => {
      await folders.pause(requireFolder(id).id);
      return OK;
    },

    'folders.resume': async ({ id, sendChanged }) => {
      const folder = requireFolder(id);
      if (folder.state === 'completed') throw new UserFacingError('failed', 'this folder upload is complete');
      folders.start(folder.id, sendChanged ? 'restart' : 'fail');
      return OK;
    },

    'folders.cancel': async ({ id }) => {
      await folders.cancel(requireFolder(id).id);
      return OK;
    },

    // Only the folder and the choice come from the UI: which files, and which objects they may replace, main knows.
    'folders.settleDiffering': async ({ id, choice }) => {
      const folder = requireFolder(id);
      if (folders.engine.store.folderTotals(folder.id).differs.files === 0) throw new UserFacingError('failed', 'no file of this folder differs from the object at its key');
      return { files: folders.settleDiffering(folder.id, choice) };
    },
  };
}

function toFileView(file: FolderFileRecord): FolderFileView {
  return { relPath: file.relPath, size: file.size, state: file.state, message: file.message };
}
