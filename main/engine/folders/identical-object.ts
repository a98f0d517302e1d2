import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { choosePartSize, planParts, wholeFileLimit } from '../../../shared/domain/part-plan.ts';
import type { ByteSource, SourceStat } from '../ports/byte-source.ts';
import type { RemoteObject } from '../ports/object-store.ts';
import { md5Of } from '../sending/part-digest.ts';
import { multipartEtag } from '../server/multipart-etag.ts';

/**
 * Whether the object already at a file's key holds that file's bytes, so the
 * file need not be sent again (a folder added again after the state database
 * was lost costs one listing and a read, not an upload). Only an ETag that is
 * an MD5 can vouch: the plain MD5 of an object sent whole (files under the
 * whole-file limit: Hoist sends them so, and an earlier Hoist sent those under
 * one part so), or the MD5 of the part MD5s of one sent in parts, recomputed
 * with the part size Hoist would plan for this file. The ETag's form says
 * which to compute. An object sent with another part size, or whose ETag is
 * not an MD5 (SSE-KMS), is not recognised: it is sent again, never skipped wrongly.
 * Returns the file's stat as read when the object is the file, else undefined.
 */
export async function identicalObjectStat(source: ByteSource, path: string, remote: RemoteObject, partSize: number): Promise<SourceStat | undefined> {
  if (remote.etag === null) return undefined;
  // The file as it is now, not as a walk recorded it: a file that grew keeps its old bytes at the front.
  const stat = await source.stat(path);
  const { size } = stat;
  if (remote.size !== size) return undefined;
  const etag = unquoteEtag(remote.etag);
  const whole = !etag.includes('-');
  // Read whole only what Hoist would send whole: memory stays within a file in flight.
  if (whole && size >= wholeFileLimit(partSize)) return undefined;
  const reader = await source.open(path);
  try {
    const md5 = (offset: number, length: number) => reader.read(offset, length).then((bytes) => md5Of(bytes).toString('hex'));
    if (whole) return (await md5(0, size)) === etag ? stat : undefined;
    const planned = planParts(size, choosePartSize(size, partSize));
    // Another part count than Hoist's plan: not this plan's ETag, and not worth reading the file for.
    if (etag !== `${etag.split('-')[0]}-${planned.length}`) return undefined;
    const md5s: string[] = [];
    for (const part of planned) md5s.push(await md5(part.offset, part.size));
    return multipartEtag(md5s) === etag ? stat : undefined;
  } finally {
    await reader.close();
  }
}
