import type { UploadView } from '../../shared/ipc-contract.ts';
import type { PartRecord, UploadRecord } from './ports/records.ts';
import type { PartLedger, UploadStore } from './ports/state-store.ts';

export interface UploadProgress {
  /** Bytes of the parts the server acknowledged. */
  bytesDone: number;
  /** Bytes of parts on the wire now, not yet acknowledged (a kill loses them). */
  bytesInFlight?: number;
  /** Parts holding a sending slot now: none while the upload waits for a slot or for the server. */
  partsInFlight?: number;
  partsDone: number;
  partsTotal: number;
}

/** Progress as the state database has it: the parts the server acknowledged. */
export function recordedProgress(parts: readonly PartRecord[]): UploadProgress {
  const done = parts.filter((part) => part.state === 'done');
  return { bytesDone: done.reduce((sum, part) => sum + part.size, 0), partsDone: done.length, partsTotal: parts.length };
}

/** A running upload's wait for its next attempt at a failed request. */
export interface LiveRetry {
  atMs: number;
  cause: string;
  attempt: number;
  of: number;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * What hosts show of one upload: the record, its progress and its current
 * speed. An upload stopped by a changed source shows as 'conflict' whatever
 * its stored state, because it waits for the user's choice, not for a retry;
 * one whose source file was gone at the last check shows as 'missing'.
 */
export function buildSnapshot(upload: UploadRecord, progress: UploadProgress, speed: number, retrying?: LiveRetry): UploadView {
  const left = upload.size - progress.bytesDone;
  return {
    id: upload.id,
    path: upload.path,
    bucket: upload.bucket,
    key: upload.key,
    endpoint: upload.endpoint ?? null,
    region: upload.region,
    targetId: upload.targetId,
    state: viewState(upload),
    ...progress,
    bytesInFlight: progress.bytesInFlight ?? 0,
    partsInFlight: progress.partsInFlight ?? 0,
    bytesTotal: upload.size,
    partSize: upload.partSize,
    startedAt: new Date(upload.startedAt).toISOString(),
    updatedAt: new Date(upload.updatedAt).toISOString(),
    completedAt: iso(upload.completedAt),
    expiresAt: iso(upload.expiresAt),
    restarts: upload.restarts,
    lastError: upload.lastError,
    conflict: upload.conflict,
    ...(upload.conflict !== null && upload.foreignObject !== null ? { conflictOver: 'object' as const } : {}),
    uploadId: upload.uploadId,
    speed,
    etaSeconds: upload.state === 'completed' ? 0 : speed > 0 ? left / speed : null,
    retrying: retrying ? { at: new Date(retrying.atMs).toISOString(), cause: retrying.cause, attempt: retrying.attempt, of: retrying.of } : null,
  };
}

function viewState(upload: UploadRecord): UploadView['state'] {
  if (upload.conflict !== null) return 'conflict';
  if (upload.sourceMissing && upload.state !== 'completed' && upload.state !== 'cancelled') return 'missing';
  return upload.state;
}

/**
 * The uploads asked for (all when no ids), each with its live progress and
 * speed while it runs, else the progress its recorded parts show.
 */
export function snapshotUploads(
  store: UploadStore & PartLedger,
  ids: readonly string[] | undefined,
  live: (id: string) => { progress: UploadProgress; speed: number; retrying?: LiveRetry | undefined } | undefined,
): UploadView[] {
  const uploads = ids ? ids.map((id) => store.getUpload(id)).filter((upload): upload is UploadRecord => upload !== undefined) : store.listUploads().filter((upload) => upload.folderId === null);
  return uploads.map((upload) => {
    const running = live(upload.id);
    return buildSnapshot(upload, running?.progress ?? recordedProgress(store.listParts(upload.id)), running?.speed ?? 0, running?.retrying);
  });
}
