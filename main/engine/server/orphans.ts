import type { ObjectStore, RemoteUpload } from '../ports/object-store.ts';
import type { StateStore } from '../ports/state-store.ts';

/** An unfinished multipart upload on the server, with what it holds. */
export interface Orphan extends RemoteUpload {
  parts: number;
  bytes: number;
}

/** A server upload, with the id of the local upload continuing it (null: nobody is, it is an orphan). */
export type Tracked<T extends RemoteUpload> = T & { hoistId: string | null };

/** Where to look: a bucket and prefix on one server, and the state database that may be continuing some uploads there. */
export interface OrphanScope {
  objects: ObjectStore;
  store: Pick<StateStore, 'listUnfinished'>;
  bucket: string;
  prefix: string;
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

/**
 * Every unfinished multipart upload under the scope's prefix with its parts
 * and bytes, each marked with the local upload continuing it: the CLI and the
 * app show those as Hoist's and never abort them as orphans (cancel is for them).
 */
export async function listTrackedOrphans(scope: OrphanScope, signal?: AbortSignal): Promise<Array<Tracked<Orphan>>> {
  return markTracked(scope, await listOrphans(scope.objects, scope.bucket, scope.prefix, signal));
}

/** The uploads under the prefix, marked as listTrackedOrphans does, without asking for their parts (one request per page, not per upload). */
export async function listServerUploads(scope: OrphanScope, signal?: AbortSignal): Promise<Array<Tracked<RemoteUpload>>> {
  return markTracked(scope, await scope.objects.listMultipartUploads(scope.bucket, scope.prefix, signal));
}

/** One upload under the prefix by its id, found by listing (aborting it needs its key); undefined when the server has none. */
export async function findServerUpload(scope: OrphanScope, uploadId: string, signal?: AbortSignal): Promise<Tracked<RemoteUpload> | undefined> {
  return (await listServerUploads(scope, signal)).find((upload) => upload.uploadId === uploadId);
}

function markTracked<T extends RemoteUpload>(scope: OrphanScope, uploads: readonly T[]): Array<Tracked<T>> {
  const unfinished = scope.store.listUnfinished().filter((upload) => upload.uploadId && upload.bucket === scope.bucket);
  const hoistIds = new Map(unfinished.map((upload) => [upload.uploadId, upload.id]));
  return uploads.map((upload) => ({ ...upload, hoistId: hoistIds.get(upload.uploadId) ?? null }));
}

/** Uploads started before `now - olderThanMs`; one without a start time is never taken for old. */
export function olderThan<T extends RemoteUpload>(uploads: readonly T[], olderThanMs: number | undefined, now: number): T[] {
  if (olderThanMs === undefined) return [...uploads];
  return uploads.filter((upload) => upload.initiated !== null && upload.initiated <= now - olderThanMs);
}

/** Aborts each upload (already gone counts as aborted); returns how many. */
export async function abortUploads(objects: ObjectStore, bucket: string, uploads: readonly RemoteUpload[]): Promise<number> {
  await mapLimited(uploads, LIST_CONCURRENCY, (upload) => objects.abortMultipartUpload({ bucket, key: upload.key }, upload.uploadId));
  return uploads.length;
}
