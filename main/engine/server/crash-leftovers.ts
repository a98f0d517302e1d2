import { isStopped } from '../errors.ts';
import { digestPart } from '../sending/part-digest.ts';
import type { ObjectStore, RemotePart } from '../ports/object-store.ts';
import type { ObjectLocation } from '../ports/records.ts';
import { PROBE_BODY } from '../capabilities/probe-body.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';

/** Server timestamps may be whole seconds and requests take time: this much either side of the window still counts. */
const SLACK_MS = 2_000;
const PROBE_MD5 = digestPart(PROBE_BODY).md5Hex;

export interface LeftoverSweep {
  objects: ObjectStore;
  location: ObjectLocation;
  /** The job's retry loop for one request. */
  retry: <T>(attempt: () => Promise<T>) => Promise<T>;
  /** Whether the state database continues this upload id (it is then no leftover). */
  isKnown: (uploadId: string) => boolean;
}

/**
 * A run killed before it recorded the multipart upload it had just created
 * (SIGKILL, a power cut between CreateMultipartUpload and the database write),
 * or in the middle of the capability probe, leaves uploads on the server that
 * the state database never heard of: the next run creates another one and the
 * old ones would cost a listing entry, and the probe's tiny parts storage,
 * until a lifecycle rule removed them. The next run of the same record calls
 * this once it has created its own upload: uploads of the same key, unknown to
 * the database, started since the record was made (by the server's own clock,
 * relative to the upload it just made, as CreateGuard does), holding no part
 * or only the probe's parts, are aborted. An upload with any real part is
 * someone's work and is left alone, as is everything older. Returns how many
 * were aborted; a cleanup that does not work never fails the run.
 */
export async function sweepCrashLeftovers(sweep: LeftoverSweep, createdId: string, since: number, now: number): Promise<number> {
  const { objects, location, retry } = sweep;
  let uploads;
  try {
    uploads = (await retry(() => objects.listMultipartUploads(location.bucket, location.key))).filter((upload) => upload.key === location.key);
  } catch (error) {
    if (isStopped(error)) throw error;
    return 0;
  }
  const ours = uploads.find((upload) => upload.uploadId === createdId)?.initiated;
  if (ours === undefined || ours === null) return 0;
  const earliest = ours - Math.max(0, now - since) - SLACK_MS;
  let aborted = 0;
  for (const upload of uploads) {
    if (upload.uploadId === createdId || upload.initiated === null || sweep.isKnown(upload.uploadId)) continue;
    if (upload.initiated < earliest || upload.initiated > ours + SLACK_MS) continue;
    try {
      const parts = await retry(() => objects.listParts(location, upload.uploadId));
      if (!parts.every(isProbePart)) continue;
      await retry(() => objects.abortMultipartUpload(location, upload.uploadId));
      aborted += 1;
    } catch (error) {
      if (isStopped(error)) throw error;
    }
  }
  return aborted;
}

function isProbePart(part: RemotePart): boolean {
  return part.size === PROBE_BODY.length && unquoteEtag(part.etag) === PROBE_MD5;
}
