import { SourceError } from '../engine/errors.ts';
import type { AddResult } from '../../shared/ipc-contract.ts';
import { UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import { isDirectory, walkFolder } from './folder-walk.ts';
import type { HandlerContext } from './handler-context.ts';
import { createOrphanHandlers } from './orphan-handlers.ts';

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

    'uploads.add': async ({ paths, targetId, folderMode }) => {
      const target = app.target(targetId);
      if (!target) throw new UserFacingError('not-found', `no target with id ${targetId}: add one under Targets first`);
      const result: AddResult = { added: [], rejected: [] };
      const files: Array<{ path: string; keySuffix: string; kind?: 'archive' }> = [];
      for (const path of paths) {
        if (folderMode === 'archive' && (await isDirectory(path))) {
          files.push({ path, keySuffix: `${app.defaultKeySuffix(path)}.tar`, kind: 'archive' });
        } else if (await isDirectory(path)) {
          const walked = await walkFolder(path);
          files.push(...walked.files);
          result.rejected.push(...walked.skipped.map((skipped) => ({ path: skipped.path, reason: skipped.reason })));
          if (walked.files.length === 0 && walked.skipped.length === 0) result.rejected.push({ path, reason: 'the folder is empty' });
        } else {
          files.push({ path, keySuffix: app.defaultKeySuffix(path) });
        }
      }
      for (const file of files) {
        const key = app.keyFor(target, file.keySuffix);
        try {
          const { record, continued } = await engine.addUpload({
            path: file.path,
            location: { bucket: target.bucket, key },
            target: app.targetConfig(target),
            targetId: target.id,
            partSize: app.partSize(),
            ...(file.kind ? { kind: file.kind } : {}),
          });
          result.added.push({ id: record.id, path: file.path, key, continued });
          app.start(record.id);
        } catch (error) {
          if (!(error instanceof SourceError) && (error as Error).name !== 'PartPlanError') throw error;
          result.rejected.push({ path: file.path, reason: (error as Error).message });
        }
      }
      app.emit('uploads.changed', { uploads: engine.snapshot(result.added.map((added) => added.id)) });
      return result;
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
      await engine.pauseAll();
      return OK;
    },

    'uploads.resumeAll': async () => {
      void engine.resumeAllRunnable();
      return OK;
    },

    'uploads.clearFinished': async () => {
      const finished = store.listUploads().filter((upload) => upload.state === 'completed' || upload.state === 'cancelled');
      for (const upload of finished) engine.forget(upload.id);
      return { removed: finished.length };
    },

    'targets.list': async () => app.targets().map((target) => app.targetView(target)),

    'targets.save': async ({ target, secretAccessKey }) => {
      if (secretAccessKey !== undefined) {
        if (target.credentials.kind !== 'keys') throw new UserFacingError('invalid-payload', 'a secret key goes with access-key credentials only');
        if (host.secrets.kind === 'unavailable') {
          throw new UserFacingError('unsupported', 'secret keys cannot be stored encrypted here; use an AWS profile or environment variables');
        }
        host.secrets.set(target.id, secretAccessKey);
      } else if (target.credentials.kind !== 'keys') {
        host.secrets.delete(target.id);
      }
      app.deps.config.saveTarget(target.id, target);
      engine.targetsChanged();
      return app.targetView(target);
    },

    'targets.remove': async ({ id }) => {
      const inUse = store.listUnfinished().filter((upload) => upload.targetId === id).length;
      if (inUse > 0) throw new UserFacingError('failed', `${inUse} unfinished uploads use this target; finish or cancel them first`);
      app.deps.config.removeTarget(id);
      host.secrets.delete(id);
      engine.targetsChanged();
      return OK;
    },

    'settings.get': async () => app.settings(),

    'settings.set': async (patch) => app.updateSettings(patch),

    ...createOrphanHandlers(app),

    'dialog.pickPaths': async ({ folders }) => {
      if (!host.pickPaths) throw new UserFacingError('unsupported', 'no file dialog here: add files by path');
      return host.pickPaths({ folders });
    },
  };
}
