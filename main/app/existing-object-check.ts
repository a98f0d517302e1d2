import { formatS3Url } from '../../shared/domain/s3-url.ts';
import { formatBytes } from '../../shared/domain/units.ts';
import type { ObjectStore } from '../engine/ports/object-store.ts';
import type { ObjectLocation } from '../engine/ports/records.ts';
import type { EventLog, UploadStore } from '../engine/ports/state-store.ts';

/**
 * A file added in the app whose key already holds an object is not sent until
 * the user says so (issue 16, point 10): HeadObject when the file is added,
 * and when something is there the new upload is recorded as waiting for a
 * choice about that object, the same conflict as an object another writer put
 * at the key mid-upload (key-guard.ts). Overwriting settles it (the object is
 * recorded as the one to replace); skipping cancels the upload, which has sent
 * nothing. Answers whether the upload must wait.
 *
 * A HeadObject that fails (server down, no permission to read) asks nothing:
 * the run itself then says what is wrong with the target, and Complete's own
 * key guard still protects what was there.
 */
export async function holdIfKeyTaken(
  store: UploadStore & EventLog,
  objects: Pick<ObjectStore, 'headObject'>,
  uploadId: string,
  location: ObjectLocation,
): Promise<boolean> {
  const head = await objects.headObject(location).catch(() => undefined);
  if (!head) return false;
  const modified = head.lastModified === undefined ? '' : `, last modified ${new Date(head.lastModified).toISOString()}`;
  const message =
    `${formatS3Url(location)} already holds an object (${formatBytes(head.size)}${modified}). ` +
    'Overwrite it with this file, or skip this file and keep the object';
  store.setForeignObject(uploadId, { etag: head.etag ?? '', size: head.size });
  store.setConflict(uploadId, message);
  store.recordEvent({ uploadRecordId: uploadId, kind: 'paused', message: `not started: ${message}` });
  return true;
}
