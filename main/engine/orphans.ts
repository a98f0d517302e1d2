import type { ObjectStore, RemoteUpload } from './ports.ts';

/** An unfinished multipart upload on the server, with what it holds. */
export interface Orphan extends RemoteUpload {
  parts: number;
  bytes: number;
}

/** ListParts requests in flight at once: enough to list thousands quickly without hammering the server. */
const LIST_CONCURRENCY = 16;

/** Runs `work` over `items` with at most `limit` at once, results in input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * Every unfinished multipart upload under the prefix with its part count and
 * bytes. An upload that disappears between the two listings (completed or
 * aborted meanwhile) is left out: it is no longer an orphan.
 */
export async function listOrphans(objects: ObjectStore, bucket: string, prefix: string, signal?: AbortSignal): Promise<Orphan[]> {
  const uploads = await objects.listMultipartUploads(bucket, prefix, signal);
  const listed = await mapLimited(uploads, LIST_CONCURRENCY, async (upload): Promise<Orphan | undefined> => {
    try {
      const parts = await objects.listParts({ bucket, key: upload.key }, upload.uploadId, signal);
      return { ...upload, parts: parts.length, bytes: parts.reduce((sum, part) => sum + Math.max(0, part.size), 0) };
    } catch (error) {
      if ((error as { kind?: string }).kind === 'upload-gone') return undefined;
      throw error;
    }
  });
  return listed.filter((orphan): orphan is Orphan => orphan !== undefined);
}

/** Uploads started before `now - olderThanMs`; one without a start time is never taken for old. */
export function olderThan(uploads: readonly RemoteUpload[], olderThanMs: number | undefined, now: number): RemoteUpload[] {
  if (olderThanMs === undefined) return [...uploads];
  return uploads.filter((upload) => upload.initiated !== null && upload.initiated <= now - olderThanMs);
}

/** Aborts each upload (already gone counts as aborted); returns how many. */
export async function abortUploads(objects: ObjectStore, bucket: string, uploads: readonly RemoteUpload[]): Promise<number> {
  await mapLimited(uploads, LIST_CONCURRENCY, (upload) => objects.abortMultipartUpload({ bucket, key: upload.key }, upload.uploadId));
  return uploads.length;
}
