import type { FolderFileView } from '../../shared/ipc-contract.ts';
import type { FolderFileRecord, FolderFileState } from '../engine/ports/folder-store.ts';
import { UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import type { HandlerContext } from './handler-context.ts';

type FolderHandlers = Pick<RequestHandlers, 'folders.list' | 'folders.files' | 'folders.pause' | 'folders.resume' | 'folders.cancel'>;

const ALL_STATES: readonly FolderFileState[] = ['pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem'];
const OK = { ok: true } as const;

/** The folder rows' requests: the list, a folder's files page by page, pause, resume and cancel. */
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
  };
}

function toFileView(file: FolderFileRecord): FolderFileView {
  return { relPath: file.relPath, size: file.size, state: file.state, message: file.message };
}
