import { addPaths } from './add-paths.ts';
import { UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import { createFolderHandlers } from './folder-handlers.ts';
import type { HandlerContext } from './handler-context.ts';
import { createOrphanHandlers } from './orphan-handlers.ts';
import { browseFolder } from './browse-folder.ts';
import { createTargetSave } from './target-save.ts';
import { requestedPaths } from './requested-paths.ts';

const OK = { ok: true } as const;

/** One handler per request of the contract; inputs arrive already validated. */
export function createHandlers(app: HandlerContext): RequestHandlers {
  const { engine, store, host } = app.deps;

  const requireUpload = (id: string) => {
    const upload = store.getUpload(id);
    if (!upload) throw new UserFacingError('not-found', `no upload with id ${id}`);
    return upload;
  };

  return {
    'app.info': async () => ({
      mode: host.mode,
      version: host.version,
      canPickFiles: host.pickPaths !== undefined,
      secretStorage: host.secrets.kind,
      platform: host.platform,
    }),

    'uploads.list': async () => app.views(),

    'uploads.events': async ({ id }) =>
      store.listEvents(requireUpload(id).id).map((event) => ({ at: new Date(event.at).toISOString(), kind: event.kind, message: event.message })),

    'uploads.add': async ({ paths, grants, targetId, folderMode }) => {
      const named = requestedPaths(host, { paths, grants });
      const target = app.target(targetId);
      if (!target) throw new UserFacingError('not-found', `no target with id ${targetId}: add one under Targets first`);
      const result = await addPaths(app, target, named.paths, folderMode);
      return { ...result, rejected: [...named.rejected, ...result.rejected] };
    },

    'uploads.pause': async ({ id }) => {
      await engine.pause(requireUpload(id).id);
      return OK;
    },

    'uploads.resume': async ({ id }) => {
      const upload = requireUpload(id);
      if (upload.conflict) throw new UserFacingError('failed', 'the source changed: choose "start over" or "cancel" first');
      app.start(upload.id);
      return OK;
    },

    'uploads.retry': async ({ id }) => {
      app.start(requireUpload(id).id);
      return OK;
    },

    'uploads.cancel': async ({ id }) => {
      await engine.cancel(requireUpload(id).id);
      return OK;
    },

    'uploads.resolveConflict': async ({ id, choice }) => {
      requireUpload(id);
      await engine.resolveConflict(id, choice);
      if (choice !== 'cancel') app.start(id);
      return OK;
    },

    'uploads.reveal': async ({ id }) => {
      if (!host.reveal) throw new UserFacingError('unsupported', 'revealing files needs the desktop app');
      host.reveal(requireUpload(id).path);
      return OK;
    },

    'uploads.pauseAll': async () => {
      // Folders first: pausing a folder pauses its big files' uploads with it.
      await app.folders.pauseAll();
      await engine.pauseAll();
      return OK;
    },

    'uploads.resumeAll': async () => {
      void engine.resumeAllRunnable();
      app.folders.resumeAll();
      return OK;
    },

    // Failed only: a missing file waits for the file, a conflict for a choice, and neither is helped by running again.
    'uploads.retryFailed': async () => {
      const failed = store.listUnfinished().filter((upload) => upload.folderId === null && upload.state === 'failed' && upload.conflict === null && !upload.sourceMissing && !engine.isRunning(upload.id));
      for (const upload of failed) app.start(upload.id);
      return { uploads: failed.length, folders: app.folders.retryFailed() };
    },

    /** Finished uploads and finished folders leave the queue (their objects stay). */
    'uploads.clearFinished': async () => {
      // A folder's big files are its own to forget (with the folder).
      const finished = store.listUploads().filter((upload) => upload.folderId === null && (upload.state === 'completed' || upload.state === 'cancelled'));
      for (const upload of finished) engine.forget(upload.id);
      return { removed: finished.length + app.folders.clearFinished() };
    },

    ...createFolderHandlers(app),

    'targets.list': async () => app.targets().map((target) => app.targetView(target)),

    'targets.save': createTargetSave(app),

    'targets.remove': async ({ id }) => {
      const inUse = store.listUnfinished().filter((upload) => upload.targetId === id && upload.folderId === null).length;
      if (inUse > 0) throw new UserFacingError('failed', `${inUse} unfinished uploads use this target; finish or cancel them first`);
      const folders = app.folders.unfinishedFor(id);
      if (folders > 0) throw new UserFacingError('failed', `${folders} unfinished folder uploads use this target; finish or cancel them first`);
      // The key first: a key file that cannot be rewritten stops the removal before anything changed.
      host.secrets.delete(id);
      app.deps.config.removeTarget(id);
      engine.targetsChanged();
      return OK;
    },

    'settings.get': async () => app.settings(),

    'settings.set': async (patch) => app.updateSettings(patch),

    ...createOrphanHandlers(app),

    // Headless only: the desktop app has native dialogs, and a window there names only what the user picked in them.
    'files.browse': async (input) => {
      if (host.mode !== 'headless') throw new UserFacingError('unsupported', 'the desktop app uses the system file dialog');
      return browseFolder(input, app.deps.stateDir);
    },

    'dialog.pickPaths': async ({ folders }) => {
      if (!host.pickPaths) throw new UserFacingError('unsupported', 'no file dialog here: add files by path');
      return host.pickPaths({ folders });
    },
  };
}
