import { sweepCrashLeftovers } from './crash-leftovers.ts';
import { S3Failure } from '../errors.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { ObjectLocation } from '../ports/records.ts';

/**
 * CreateMultipartUpload is not idempotent. When an attempt fails after its
 * request may have reached the server (a reset, a timeout, an answer lost on
 * the way back, a 5xx), the server may have made an upload nobody will ever
 * hear of, invisible to Hoist and left to cost a listing entry (and, were
 * parts ever added, storage) until a lifecycle rule removes it. So each
 * attempt goes through `attempt`, and once one succeeds, `sweep` aborts the
 * uploads of the same key that such an attempt may have made: started between
 * the first uncertain attempt and the successful one (by the server's own
 * clock, relative to the upload it just made), without parts of anyone's, and
 * unknown to the caller (the same sweep a killed run's next run makes, see
 * crash-leftovers.ts). Nothing is listed when every attempt failed cleanly.
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
    return sweepCrashLeftovers({ objects: this.objects, location: this.location, retry, isKnown }, createdId, this.uncertainSince, this.now());
  }
}

function mayHaveReachedServer(error: unknown): boolean {
  if (!(error instanceof S3Failure) || error.kind !== 'retryable') return false;
  if (error.status === undefined) return error.code !== 'ECONNREFUSED';
  return error.status >= 500;
}
