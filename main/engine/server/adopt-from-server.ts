import { formatS3Url } from '../../../shared/domain/s3-url.ts';
import { newUploadFor } from '../changes/new-upload-record.ts';
import type { AddUploadRequest } from '../engine-options.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStore, RemoteUpload } from '../ports/object-store.ts';
import type { KeyState, UploadRecord } from '../ports/records.ts';
import { keyStateOf } from './key-guard.ts';
import type { EventLog, PartLedger, UploadStore } from '../ports/state-store.ts';
import { chooseCandidate, digestCache, inspectServerUpload } from './verify-server-parts.ts';
import type { AdoptionCandidate } from './verify-server-parts.ts';

export interface AdoptDeps {
  store: UploadStore & PartLedger & EventLog;
  source: ByteSource;
  objects: ObjectStore;
  clock: Clock;
  /** When the server will discard a multipart upload of this record created now (null: never). */
  expiryMs: (upload: UploadRecord) => number | null;
}

/** Adopted; or why not, and whether the server had any unfinished upload of the key at all (`found`). */
export type AdoptOutcome = { record: UploadRecord; uploadId: string; partsVerified: number } | { reason: string; found?: boolean };

/**
 * Continues an unfinished multipart upload of the request's key that the
 * server has but the state database does not (a new machine, a deleted
 * database). Every candidate's parts are checked against the file (see
 * verify-server-parts.ts) and the one with the most verified parts is
 * recorded, its verified parts done. With `onlyUploadId`, only that one is
 * considered (`orphans --adopt`). Other candidates are left alone: they are
 * orphans the user can list and abort.
 */
export async function adoptFromServer(deps: AdoptDeps, request: AddUploadRequest, onlyUploadId?: string, signal?: AbortSignal): Promise<AdoptOutcome> {
  const { store, source, objects } = deps;
  const { location } = request;
  const where = formatS3Url(location);
  const tracked = new Set(store.listUnfinished().map((upload) => upload.uploadId));
  const listed = (await objects.listMultipartUploads(location.bucket, location.key, signal)).filter(
    (upload) => upload.key === location.key && (onlyUploadId === undefined || upload.uploadId === onlyUploadId),
  );
  if (onlyUploadId !== undefined && listed.length === 0) return { reason: `the server has no unfinished upload ${onlyUploadId} of ${where}` };
  if (onlyUploadId !== undefined && tracked.has(onlyUploadId)) return { reason: `upload ${onlyUploadId} is already in the state database; run resume` };
  const existing = onlyUploadId === undefined ? undefined : store.findUnfinished(request.path, location, request.target.endpoint);
  if (existing) return { reason: `${request.path} already has unfinished upload ${existing.id} to ${where}; resume or cancel it first` };
  const untracked = listed.filter((upload) => !tracked.has(upload.uploadId));
  if (untracked.length === 0) return { reason: `no unfinished upload of ${where} on the server` };

  const stat = await source.stat(request.path);
  const reader = await source.open(request.path);
  const candidates: AdoptionCandidate[] = [];
  const reasons: string[] = [];
  try {
    const digestOf = digestCache(reader);
    for (const upload of untracked) {
      const remote = await objects.listParts(location, upload.uploadId, signal);
      const inspected = await inspectServerUpload(upload, remote, stat.size, digestOf);
      if ('reason' in inspected) reasons.push(`${upload.uploadId}: ${inspected.reason}`);
      else candidates.push(inspected);
    }
  } finally {
    await reader.close();
  }
  const chosen = chooseCandidate(candidates);
  if (!chosen) {
    const none = candidates.map((candidate) => `${candidate.upload.uploadId}: none of its ${candidate.serverParts} parts matches the file`);
    return { reason: [...reasons, ...none].join('; ') || `nothing on the server matches ${request.path}`, found: true };
  }
  const fingerprint = await source.fingerprint(request.path, stat.size);
  // What is at the key as the upload is taken up: anything else found before Complete is another writer's (key-guard.ts).
  const keyAtStart = keyStateOf(await objects.headObject(location, signal));
  const record = recordAdoption(deps, request, chosen, { ...stat, fingerprint }, keyAtStart);
  return { record, uploadId: chosen.upload.uploadId, partsVerified: chosen.verified.length };
}

/** Creates the record on the server's upload id with its part size; verified parts done, the rest pending (re-sent, overwriting). */
function recordAdoption(
  deps: AdoptDeps,
  request: AddUploadRequest,
  chosen: AdoptionCandidate,
  facts: { size: number; mtimeNs: string; fileId: string; fingerprint: string },
  keyAtStart: KeyState,
): UploadRecord {
  const { store, clock } = deps;
  const record = store.createUpload(
    newUploadFor(request, {
      ...facts,
      partSize: chosen.partSize,
      singlePut: false,
      startedAt: chosen.upload.initiated ?? clock.now(),
      state: 'queued',
    }),
    chosen.plan,
  );
  const { id } = record;
  store.setUploadId(id, chosen.upload.uploadId, chosen.checksumAlgorithm, expiresAt(deps, record, chosen.upload));
  store.setKeyAtStart(id, keyAtStart);
  for (const part of chosen.verified) store.markPartDone(id, part.partNumber, part.etag, part.md5, part.checksum);
  store.recordEvent({
    uploadRecordId: id,
    kind: 'adopted',
    message: `continued unfinished upload ${chosen.upload.uploadId} found on the server: ${chosen.verified.length} parts verified, not sent again`,
  });
  return store.getUpload(id) ?? record;
}

/** The server's clock started when the upload was created there, not now. */
function expiresAt(deps: AdoptDeps, record: UploadRecord, upload: RemoteUpload): number | null {
  const ms = deps.expiryMs(record);
  return ms === null ? null : (upload.initiated ?? deps.clock.now()) + ms;
}
