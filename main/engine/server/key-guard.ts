import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { formatS3Url } from '../../../shared/domain/s3-url.ts';
import { formatBytes } from '../../../shared/domain/units.ts';
import { ForeignObjectError } from '../errors.ts';
import type { ObjectHead } from '../ports/object-store.ts';
import type { KeyObject, KeyState, ObjectLocation, UploadRecord } from '../ports/records.ts';
import type { EventLog, UploadStore } from '../ports/state-store.ts';

/**
 * Not replacing an object someone else wrote while an upload ran. What is at
 * the key is recorded when the upload starts (keyAtStart); before Complete,
 * and when the server no longer has the multipart upload, HeadObject is asked
 * again. An object that is neither that one nor Hoist's own (the caller rules
 * out its completed object and a renewal's interim one) was put there by
 * another writer meanwhile, for example another tool after Hoist crashed:
 * the upload stops in conflict instead of replacing it, and the message
 * names it. Settling the conflict records it as the object to replace.
 *
 * There is a window between the last HeadObject and Complete that only a
 * conditional Complete (If-Match / If-None-Match) would close; servers such
 * as Ceph RGW 16 do not offer one.
 */

export function keyStateOf(head: ObjectHead | undefined): KeyState {
  return head ? { etag: head.etag ?? '', size: head.size } : 'none';
}

/** The object at the key when it is not the one recorded at start; undefined when it is, or nothing is there, or nothing was recorded. */
export function foreignObjectAt(record: UploadRecord, head: ObjectHead | undefined): KeyObject | undefined {
  if (!head || record.keyAtStart === null) return undefined;
  const at = record.keyAtStart;
  const now = keyStateOf(head) as KeyObject;
  if (at !== 'none' && at.size === now.size && unquoteEtag(at.etag) === unquoteEtag(now.etag)) return undefined;
  return now;
}

/** Records the foreign object and returns the error that ends the run in conflict. */
export function foreignObjectConflict(store: UploadStore & EventLog, record: UploadRecord, location: ObjectLocation, object: KeyObject): ForeignObjectError {
  const then = record.keyAtStart === 'none' || record.keyAtStart === null ? 'the key was empty then' : `it held ETag ${record.keyAtStart.etag} then`;
  const message =
    `${formatS3Url(location)} holds an object Hoist did not write (ETag ${object.etag || 'unknown'}, ${formatBytes(object.size)}), put there after this upload started (${then}); ` +
    'it was not replaced. Settle the conflict to replace it (resume --on-change reuse, or the app’s conflict choices), or cancel the upload to keep it';
  store.setForeignObject(record.id, object);
  return new ForeignObjectError(message);
}

/**
 * The user settled a conflict over an object another writer put at the key:
 * either choice (restart, reuse) agrees to replace it. The file itself did not
 * change, so its parts stay; the next run checks the source as always, and
 * asks again if the key changes once more.
 */
export function agreeToReplace(store: UploadStore & EventLog, upload: UploadRecord): UploadRecord | undefined {
  const object = upload.foreignObject;
  if (object === null || !store.acceptForeignObject(upload.id)) return store.getUpload(upload.id);
  store.recordEvent({
    uploadRecordId: upload.id,
    kind: 'resumed',
    message: `the object another writer put at the key (ETag ${object.etag || 'unknown'}, ${formatBytes(object.size)}) will be replaced, as chosen`,
  });
  return store.getUpload(upload.id);
}
