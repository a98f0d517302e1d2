import { isStopped, S3Failure } from './errors.ts';
import type { ObjectLocation, ObjectStore } from './ports.ts';

/** Server timestamps may be whole seconds and requests take time: this much either side of the window still counts. */
const SLACK_MS = 2_000;

/**
 * CreateMultipartUpload is not idempotent. When an attempt fails after its
 * request may have reached the server (a reset, a timeout, an answer lost on
 * the way back, a 5xx), the server may have made an upload nobody will ever
 * hear of, invisible to Hoist and left to cost a listing entry (and, were
 * parts ever added, storage) until a lifecycle rule removes it. So each
 * attempt goes through `attempt`, and once one succeeds, `sweep` aborts the
 * uploads of the same key that such an attempt may have made: started between
 * the first uncertain attempt and the successful one (by the server's own
 * clock, relative to the upload it just made), without parts, and unknown to
 * the caller. Nothing is listed when every attempt failed cleanly.
 */
export class CreateGuard {
  private uncertainSince: number | undefined;

  constructor(
    private readonly objects: ObjectStore,
    private readonly location: ObjectLocation,
    private readonly now: () => number,
  ) {}

  async attempt<T>(create: () => Promise<T>): Promise<T> {
    const startedAt = this.now();
    try {
      return await create();
    } catch (error) {
      if (mayHaveReachedServer(error)) this.uncertainSince ??= startedAt;
      throw error;
    }
  }

  /** Returns how many uploads it aborted; never fails the caller for a cleanup that did not work. */
  async sweep(createdId: string, retry: <T>(attempt: () => Promise<T>) => Promise<T>, isKnown: (uploadId: string) => boolean = () => false): Promise<number> {
    if (this.uncertainSince === undefined) return 0;
    const { bucket, key } = this.location;
    let uploads;
    try {
      uploads = (await retry(() => this.objects.listMultipartUploads(bucket, key))).filter((upload) => upload.key === key);
    } catch (error) {
      if (isStopped(error)) throw error;
      return 0;
    }
    const ours = uploads.find((upload) => upload.uploadId === createdId)?.initiated;
    if (ours === undefined || ours === null) return 0;
    const earliest = ours - (this.now() - this.uncertainSince) - SLACK_MS;
    let aborted = 0;
    for (const upload of uploads) {
      if (upload.uploadId === createdId || upload.initiated === null || isKnown(upload.uploadId)) continue;
      if (upload.initiated < earliest || upload.initiated > ours + SLACK_MS) continue;
      try {
        // One with parts is someone's work in progress, whoever started it.
        if ((await retry(() => this.objects.listParts(this.location, upload.uploadId))).length > 0) continue;
        await retry(() => this.objects.abortMultipartUpload(this.location, upload.uploadId));
        aborted += 1;
      } catch (error) {
        if (isStopped(error)) throw error;
      }
    }
    return aborted;
  }
}

function mayHaveReachedServer(error: unknown): boolean {
  if (!(error instanceof S3Failure) || error.kind !== 'retryable') return false;
  if (error.status === undefined) return error.code !== 'ECONNREFUSED';
  return error.status >= 500;
}
