import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { RemoteObject, RemoteUpload } from '../engine/ports/object-store.ts';

/**
 * The listings that can run to many pages. A folder of thousands of files
 * costs one listing of each per prefix, not a request per file (objects are
 * read a page at a time as the folder's files are reached); a server that
 * answers the same page twice (never advancing its marker) ends the listing
 * instead of looping forever.
 */
type Call = <T>(operation: string, send: () => Promise<T>) => Promise<T>;

export async function listAllMultipartUploads(client: S3Client, call: Call, bucket: string, prefix: string | undefined, signal?: AbortSignal): Promise<RemoteUpload[]> {
  const uploads: RemoteUpload[] = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await call('ListMultipartUploads', () =>
      client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix || undefined, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }), { abortSignal: signal }),
    );
    for (const upload of page.Uploads ?? []) {
      if (!upload.Key || !upload.UploadId) continue;
      uploads.push({ key: upload.Key, uploadId: upload.UploadId, initiated: upload.Initiated ? upload.Initiated.getTime() : null });
    }
    // Both markers are needed: one key can have many uploads, and a page may end between them.
    const nextKey = page.NextKeyMarker;
    if (!page.IsTruncated || !nextKey) break;
    if (nextKey === keyMarker && page.NextUploadIdMarker === uploadIdMarker) break;
    keyMarker = nextKey;
    uploadIdMarker = page.NextUploadIdMarker || undefined;
  }
  return uploads;
}

export async function listObjectsPage(
  client: S3Client,
  call: Call,
  bucket: string,
  prefix: string,
  token: string | undefined,
  signal?: AbortSignal,
  startAfter?: string,
): Promise<{ objects: RemoteObject[]; nextToken?: string }> {
  // S3 ignores StartAfter once a continuation token is given: sent only on the first page.
  const from = token !== undefined ? { ContinuationToken: token } : startAfter !== undefined ? { StartAfter: startAfter } : {};
  const page = await call('ListObjectsV2', () => client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ...from }), { abortSignal: signal }));
  const objects: RemoteObject[] = [];
  for (const object of page.Contents ?? []) {
    if (object.Key !== undefined) objects.push({ key: object.Key, size: object.Size ?? 0, etag: object.ETag ?? null });
  }
  const next = page.NextContinuationToken;
  return page.IsTruncated && next && next !== token ? { objects, nextToken: next } : { objects };
}
