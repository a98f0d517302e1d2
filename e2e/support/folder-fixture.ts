// Folders for the folder-upload tests: made on disk, compared with what the
// server lists under a prefix, byte for byte.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, lstatSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { PROBE_BODY } from '../../main/engine/capabilities/probe-body.ts';
import type { ProxiedRequest } from './fault-proxy.ts';
import { objectDigest } from './s3-fixture.ts';

/** Writes each file (path relative to root → size) with random bytes; returns the root. */
export function makeFolder(root: string, files: Record<string, number>): string {
  for (const [path, size] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(size));
  }
  return root;
}

/** Every regular file under root: '/'-separated relative path → { size, sha256 }. Links and special files are left out, as Hoist does. */
export function localListing(root: string): Map<string, { size: number; sha256: string }> {
  const found = new Map<string, { size: number; sha256: string }>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const stat = lstatSync(path);
      if (stat.isDirectory()) walk(path);
      else if (stat.isFile()) found.set(relative(root, path).split(sep).join('/'), { size: stat.size, sha256: createHash('sha256').update(readFileSync(path)).digest('hex') });
    }
  };
  walk(root);
  return found;
}

/** Every key under the prefix (all pages) with its size and ETag. */
export async function serverKeys(client: S3Client, bucket: string, prefix: string): Promise<Map<string, { size: number; etag: string }>> {
  const keys = new Map<string, { size: number; etag: string }>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.set((object.Key as string).slice(prefix.length), { size: object.Size ?? 0, etag: object.ETag ?? '' });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

/** The server's objects under the prefix, read back: relative key → { size, sha256 }. */
export async function serverListing(client: S3Client, bucket: string, prefix: string): Promise<Map<string, { size: number; sha256: string }>> {
  const listing = new Map<string, { size: number; sha256: string }>();
  for (const key of (await serverKeys(client, bucket, prefix)).keys()) listing.set(key, await objectDigest(client, bucket, prefix + key));
  return listing;
}

/** Sorted entries, for comparing two listings with a readable diff. */
export function entries(listing: Map<string, { size: number; sha256: string }>): Array<[string, { size: number; sha256: string }]> {
  return [...listing.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * How many times each object was sent through a proxy, from request `from`
 * on: PutObject per key, UploadPart per key and part ('key#n'). The capability
 * probe's throwaway parts (a sentence each, on uploads aborted at once) are
 * not the folder's, and are left out.
 */
export function objectSends(requests: readonly ProxiedRequest[], from: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (const request of requests.slice(from)) {
    if (request.operation !== 'PutObject' && request.operation !== 'UploadPart') continue;
    if (request.operation === 'UploadPart' && request.bodyLength >= 0 && request.bodyLength <= PROBE_BODY.length) continue;
    const url = new URL(request.target, 'http://proxy.invalid');
    const what = `${decodeURIComponent(url.pathname)}${request.operation === 'UploadPart' ? `#${url.searchParams.get('partNumber')}` : ''}`;
    counts.set(what, (counts.get(what) ?? 0) + 1);
  }
  return counts;
}
