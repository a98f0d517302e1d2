import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { choosePartSize, planParts, usesSinglePut } from '../../../shared/domain/part-plan.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { RemoteObject } from '../ports/object-store.ts';
import { digestPart } from '../sending/part-digest.ts';
import { multipartEtag } from '../server/multipart-etag.ts';

/**
 * Whether the object already at a file's key holds that file's bytes, so the
 * file need not be sent again (a folder added again after the state database
 * was lost costs one listing and a read, not an upload). Only an ETag that is
 * an MD5 can vouch: the plain MD5 of an object sent whole, or the MD5 of the
 * part MD5s of one sent in parts, recomputed with the part size Hoist would
 * plan for this file. An object sent with another part size, or whose ETag is
 * not an MD5 (SSE-KMS), is not recognised: it is sent again, never skipped wrongly.
 */
export async function isIdenticalObject(source: ByteSource, path: string, remote: RemoteObject, partSize: number): Promise<boolean> {
  if (remote.etag === null) return false;
  // The file as it is now, not as a walk recorded it: a file that grew keeps its old bytes at the front.
  const { size } = await source.stat(path);
  if (remote.size !== size) return false;
  const etag = unquoteEtag(remote.etag);
  const planned = choosePartSize(size, partSize);
  const whole = usesSinglePut(size, planned);
  if (whole === etag.includes('-')) return false;
  const reader = await source.open(path);
  try {
    if (whole) return digestPart(await reader.read(0, size)).md5Hex === etag;
    const md5s: string[] = [];
    for (const part of planParts(size, planned)) md5s.push(digestPart(await reader.read(part.offset, part.size)).md5Hex);
    return multipartEtag(md5s) === etag;
  } finally {
    await reader.close();
  }
}
