import { basename } from 'node:path';
import type { Target } from '../../shared/ipc-contract.ts';
import type { TargetConfig, UploadRecord } from '../engine/ports/records.ts';
import type { StateStore } from '../engine/ports/state-store.ts';

/*
 * An upload belongs to a saved target, but records where it goes (endpoint,
 * region, addressing, bucket) when it is added: its parts, once sent, live
 * there. When the user fixes the target (the bucket was wrong, the endpoint
 * moved), an upload that has sent nothing yet follows the target as it is now;
 * one with a multipart upload or parts on the old server cannot move without
 * losing them, and says so.
 */

export type FollowOutcome = { kind: 'same' } | { kind: 'moved'; to: string } | { kind: 'stays'; why: string };

export interface FollowDeps {
  store: Pick<StateStore, 'getUpload' | 'moveUnsent' | 'recordEvent' | 'listParts'>;
  target(id: string | null | undefined): Target | undefined;
  targetConfig(target: Target): TargetConfig;
}

/** How a place is named to the user: the bucket and the host. */
function placeOf(place: { endpoint?: string | undefined | null; bucket: string }): string {
  let host = 'AWS S3';
  if (place.endpoint) {
    try {
      host = new URL(place.endpoint).host;
    } catch {
      host = place.endpoint;
    }
  }
  return `bucket "${place.bucket}" at ${host}`;
}

function samePlace(upload: UploadRecord, config: TargetConfig, bucket: string): boolean {
  return (upload.endpoint ?? undefined) === (config.endpoint ?? undefined) && upload.region === config.region && upload.pathStyle === config.pathStyle && upload.bucket === bucket;
}

/** Moves the upload to its target's current place when it can (see above); a folder's files go with their folder, never alone. */
export function followTarget(deps: FollowDeps, id: string): FollowOutcome {
  const upload = deps.store.getUpload(id);
  if (!upload || upload.folderId !== null) return { kind: 'same' };
  const target = deps.target(upload.targetId);
  if (!target) return { kind: 'same' };
  const config = deps.targetConfig(target);
  if (samePlace(upload, config, target.bucket)) return { kind: 'same' };
  const to = placeOf({ endpoint: config.endpoint, bucket: target.bucket });
  if (deps.store.moveUnsent(id, { ...config, bucket: target.bucket })) {
    deps.store.recordEvent({ uploadRecordId: id, kind: 'created', message: `follows its target "${target.name}": now to ${to} (nothing had been sent to ${placeOf(upload)})` });
    return { kind: 'moved', to };
  }
  const done = deps.store.listParts(id).filter((part) => part.state === 'done').length;
  const what = done > 0 ? `its ${done} part(s) already sent are` : 'its multipart upload is';
  return {
    kind: 'stays',
    why: `${basename(upload.path)} stays with ${placeOf(upload)}, not "${target.name}" as it is now (${to}): ${what} there; to send it to the new place, cancel it and add the file again`,
  };
}
