import { MIN_PART_SIZE } from '../../../shared/domain/part-plan.ts';
import { crashPoint } from '../test-hooks/test-hooks.ts';
import { IntegrityError, S3Failure } from '../errors.ts';
import { multipartEtag } from './multipart-etag.ts';
import { completedPart } from './object-checks.ts';
import { checksumAlgorithmFor } from '../sending/part-digest.ts';
import type { ObjectHead, ObjectStore } from '../ports/object-store.ts';
import type { ObjectLocation, PartRecord, TargetCapabilities, UploadRecord } from '../ports/records.ts';
import type { EventLog, PartLedger, UploadStore } from '../ports/state-store.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { keyStateOf } from './key-guard.ts';

/**
 * Renewing the server's expiry clock of a long-running upload (days of
 * intermittent progress) without sending its bytes again: the parts it has are
 * completed into an interim object at the upload's key, a new multipart upload
 * is started there, and each of those parts is copied into it server-side with
 * UploadPartCopy. The final Complete replaces the interim object, so nothing is
 * left behind. Every step can be crashed: the interim object is recognised by
 * its size and multipart ETag (see isInterimObject) and the copy goes on.
 */

export interface RolloverDeps {
  store: UploadStore & PartLedger & EventLog;
  objects: ObjectStore;
  location: ObjectLocation;
  capabilities: TargetCapabilities;
  retry: <T>(attempt: () => Promise<T>, what: string) => Promise<T>;
  /** When the server will discard a multipart upload created now, if it says nothing itself. */
  expiresAt: (upload: UploadRecord) => number | null;
  log: (message: string) => void;
}

/**
 * Renews the upload when it is due; where that cannot be done, records and
 * says why and when the server will discard it. Returns the new multipart
 * upload id, or undefined when nothing changed.
 */
export async function renewIfDue(
  deps: RolloverDeps,
  record: UploadRecord,
  uploadId: string,
  when: { now: number; windowMs: number },
  signal: AbortSignal,
): Promise<string | undefined> {
  const parts = deps.store.listParts(record.id);
  if (!rolloverDue(record, parts, when.now, when.windowMs)) return undefined;
  const head = await deps.retry(() => deps.objects.headObject(deps.location, signal), 'HeadObject');
  const obstacle = rolloverObstacle(parts, head, deps.capabilities);
  if (obstacle) {
    const message = `the server will discard this unfinished upload at ${new Date(record.expiresAt ?? 0).toISOString()} and it cannot be renewed: ${obstacle}; finish it before then`;
    deps.store.recordEvent({ uploadRecordId: record.id, kind: 'rollover-skipped', message });
    deps.log(message);
    return undefined;
  }
  deps.log('renewing the upload before the server discards it (parts are copied server-side)');
  return rollOver(deps, record, uploadId, signal);
}

/** Worth it when the server will discard the upload within `windowMs` and some, but not all, parts are done. */
export function rolloverDue(record: UploadRecord, parts: readonly PartRecord[], now: number, windowMs: number): boolean {
  if (record.expiresAt === null || windowMs <= 0 || record.expiresAt - now > windowMs) return false;
  const done = parts.filter((part) => part.state === 'done').length;
  return done > 0 && done < parts.length;
}

/** Why the done parts cannot make an interim object, or undefined when they can. */
export function rolloverObstacle(parts: readonly PartRecord[], head: ObjectHead | undefined, capabilities: TargetCapabilities): string | undefined {
  const done = doneParts(parts);
  // Without MD5 ETags the interim object could not be recognised after a crash.
  if (!capabilities.etagIsMd5) return 'this server’s ETags are not MD5s, so the interim object could not be verified';
  const small = done.slice(0, -1).find((part) => part.size < MIN_PART_SIZE);
  if (small) return `part ${small.partNumber} is under 5 MiB and not the last`;
  if (head) return 'the key already holds an object, which the interim object would replace';
  return undefined;
}

/** The object at the key is the interim one made of these parts (so a crashed rollover can go on). */
export function isInterimObject(head: ObjectHead | undefined, parts: readonly PartRecord[], capabilities: TargetCapabilities): boolean {
  const done = doneParts(parts);
  if (!head || done.length === 0 || head.size !== done.reduce((sum, part) => sum + part.size, 0)) return false;
  if (!capabilities.etagIsMd5) return false;
  const expected = multipartEtag(done.map((part) => part.md5));
  return expected !== undefined && unquoteEtag(head.etag) === expected;
}

/** Completes the old upload's done parts into the interim object, then copies them into a new upload. Returns its id. */
export async function rollOver(deps: RolloverDeps, record: UploadRecord, oldUploadId: string, signal: AbortSignal): Promise<string> {
  const done = doneParts(deps.store.listParts(record.id));
  crashPoint('before-rollover');
  await deps.retry(
    () => deps.objects.completeMultipartUpload(deps.location, oldUploadId, done.map((part) => completedPart(part, record.checksumAlgorithm)), signal),
    'CompleteMultipartUpload (rollover)',
  );
  crashPoint('rollover-completed');
  return copyIntoNewUpload(deps, record, signal);
}

/** The interim object exists: a new multipart upload gets the done parts copied from it, server-side. */
export async function copyIntoNewUpload(deps: RolloverDeps, record: UploadRecord, signal: AbortSignal): Promise<string> {
  const { store, objects, location } = deps;
  const done = doneParts(store.listParts(record.id));
  const head = await deps.retry(() => objects.headObject(location, signal), 'HeadObject');
  if (!isInterimObject(head, done, deps.capabilities)) throw new IntegrityError('the interim object of the rollover is not made of the recorded parts; not copying from it');
  // The interim object is this upload's own: the final Complete replaces it without asking (key-guard.ts).
  if (record.keyAtStart !== null) store.setKeyAtStart(record.id, keyStateOf(head));
  const checksumAlgorithm = checksumAlgorithmFor(deps.capabilities);
  const created = await deps.retry(() => objects.createMultipartUpload(location, checksumAlgorithm ? { checksumAlgorithm } : {}), 'CreateMultipartUpload');
  store.setUploadId(record.id, created.uploadId, checksumAlgorithm, created.abortDate ?? deps.expiresAt(record));
  let first = 0;
  for (const [index, part] of done.entries()) {
    const range = { first, last: first + part.size - 1 };
    let etag: string;
    try {
      ({ etag } = await deps.retry(() => objects.uploadPartCopy(location, created.uploadId, part.partNumber, location, range, signal), `UploadPartCopy ${part.partNumber}`));
    } catch (error) {
      if (!(error instanceof S3Failure && error.kind === 'fatal')) throw error;
      // The server cannot copy parts: the rest is sent again from the source, and the final Complete still replaces the interim object.
      for (const rest of done.slice(index)) store.markPartPending(record.id, rest.partNumber);
      store.recordEvent({ uploadRecordId: record.id, kind: 'rollover-skipped', message: `the server cannot copy parts (${error.message}); ${done.length - index} parts will be sent again` });
      return created.uploadId;
    }
    if (unquoteEtag(etag) !== part.md5) throw new IntegrityError(`the copy of part ${part.partNumber} has ETag ${etag}, not the MD5 recorded for it`);
    store.markPartDone(record.id, part.partNumber, etag);
    first += part.size;
  }
  const bytes = done.reduce((sum, part) => sum + part.size, 0);
  store.recordEvent({
    uploadRecordId: record.id,
    kind: 'rolled-over',
    message: `renewed before the server's expiry: ${done.length} parts (${bytes} bytes) copied server-side into multipart upload ${created.uploadId}; nothing sent again`,
  });
  return created.uploadId;
}

function doneParts(parts: readonly PartRecord[]): PartRecord[] {
  return parts.filter((part) => part.state === 'done').sort((a, b) => a.partNumber - b.partNumber);
}
