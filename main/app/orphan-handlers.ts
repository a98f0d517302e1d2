import { resolve } from 'node:path';
import type { OrphanView } from '../../shared/ipc-contract.ts';
import { SourceError } from '../engine/errors.ts';
import { abortUploads, findServerUpload, listTrackedOrphans } from '../engine/server/orphans.ts';
import type { Orphan, OrphanScope, Tracked } from '../engine/server/orphans.ts';
import type { RemoteUpload } from '../engine/ports/object-store.ts';
import { addablePathProblem } from './addable-path.ts';
import { UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import type { OrphanHandlerContext } from './handler-context.ts';
import { requestedPaths } from './requested-paths.ts';

type OrphanHandlers = Pick<RequestHandlers, 'orphans.list' | 'orphans.abort' | 'orphans.adopt'>;

/**
 * The unfinished multipart uploads on a target's server: listed, aborted and
 * adopted with the same engine functions the CLI's `orphans` uses, through the
 * engine's object store for the target (so its own credentials are used).
 */
export function createOrphanHandlers(app: OrphanHandlerContext): OrphanHandlers {
  const { engine, store } = app.deps;

  const scopeFor = (targetId: string) => {
    const target = app.target(targetId);
    if (!target) throw new UserFacingError('not-found', `no target with id ${targetId}`);
    const config = app.targetConfig(target);
    const objects = engine.objectStoreFor({ ...config, targetId: target.id });
    // The prefix the target's keys start with ("pc/" for "pc"), so uploads under a sibling "pcx/" are not listed as this target's.
    const prefix = app.keyFor(target, '');
    const scope: OrphanScope = { objects, store, bucket: target.bucket, prefix };
    return { target, config, scope, where: `s3://${target.bucket}/${prefix}` };
  };

  const find = async (targetId: string, uploadId: string) => {
    const found = scopeFor(targetId);
    const upload = await findServerUpload(found.scope, uploadId);
    if (!upload) throw new UserFacingError('not-found', `the server has no unfinished upload ${uploadId} under ${found.where} (completed or aborted meanwhile?)`);
    return { ...found, upload };
  };

  return {
    'orphans.list': async ({ targetId }) => (await listTrackedOrphans(scopeFor(targetId).scope)).map(toView),

    'orphans.abort': async ({ targetId, uploadId }) => {
      const { scope, upload } = await find(targetId, uploadId);
      if (upload.hoistId) throw continuing(upload, 'cancel that upload in the queue instead of aborting it here');
      await abortUploads(scope.objects, scope.bucket, [upload]);
      return { ok: true } as const;
    },

    'orphans.adopt': async ({ targetId, uploadId, path, grant }) => {
      const named = requestedPaths(app.deps.host, { paths: path === undefined ? [] : [path], grants: grant === undefined ? [] : [grant] });
      const local = named.paths[0];
      if (local === undefined) throw new UserFacingError('failed', named.rejected[0]?.reason ?? 'no local file named');
      const problem = await addablePathProblem(local, app.deps.stateDir);
      if (problem) throw new UserFacingError('failed', problem);
      const { target, config, scope, upload } = await find(targetId, uploadId);
      if (upload.hoistId) throw continuing(upload, 'there is nothing to adopt');
      const absolute = resolve(local);
      const request = { path: absolute, location: { bucket: scope.bucket, key: upload.key }, target: config, targetId: target.id };
      const outcome = await engine.adoptFromServer(request, uploadId).catch((error: unknown) => {
        // A missing or unreadable file is the user's to fix, not a failure of the app.
        if (error instanceof SourceError) throw new UserFacingError('failed', `cannot adopt with ${absolute}: ${error.message}`);
        throw error;
      });
      if ('reason' in outcome) {
        // With one upload asked for, the engine's "<upload id>: " in front of the reason says nothing the user did not pick.
        const reason = outcome.reason.startsWith(`${uploadId}: `) ? outcome.reason.slice(uploadId.length + 2) : outcome.reason;
        throw new UserFacingError('failed', `${absolute} does not continue ${upload.key}: ${reason}`);
      }
      app.emit('uploads.changed', { uploads: engine.snapshot([outcome.record.id]) });
      app.start(outcome.record.id);
      return { id: outcome.record.id, partsVerified: outcome.partsVerified };
    },
  };
}

function continuing(upload: Tracked<RemoteUpload>, advice: string): UserFacingError {
  return new UserFacingError('failed', `Hoist is continuing this upload of ${upload.key} (upload ${upload.hoistId}): ${advice}`);
}

function toView(orphan: Tracked<Orphan>): OrphanView {
  return {
    key: orphan.key,
    uploadId: orphan.uploadId,
    startedAt: orphan.initiated === null ? null : new Date(orphan.initiated).toISOString(),
    parts: orphan.parts,
    bytes: orphan.bytes,
    hoistId: orphan.hoistId,
  };
}
