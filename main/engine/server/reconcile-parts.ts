import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { checksumFromBase64 } from '../sending/part-digest.ts';
import type { RemotePart } from '../ports/object-store.ts';
import type { PartRecord } from '../ports/records.ts';

export type PartDecision =
  /** Recorded done and the server has it with the same ETag and size. */
  | { partNumber: number; action: 'keep' }
  /** Not recorded done, but the server has it and its ETag is the MD5 recorded before it was sent. */
  | { partNumber: number; action: 'adopt'; etag: string }
  /** Anything else: send it (again). */
  | { partNumber: number; action: 'send'; reason: string };

/**
 * Decides, for every local part, whether the server's copy can be trusted.
 * A part counts as done only when the local record and the server agree on
 * ETag and size; a part the server has but we never recorded as done (the
 * process died between the server's answer and our write) is adopted only
 * when the server's ETag equals the MD5 we recorded before sending it.
 * Where the server lists a part's SHA-256, it must equal the recorded one too.
 */
export function reconcileParts(local: readonly PartRecord[], remote: readonly RemotePart[]): PartDecision[] {
  const remoteByNumber = new Map(remote.map((part) => [part.partNumber, part]));
  return local.map((part): PartDecision => {
    const onServer = remoteByNumber.get(part.partNumber);
    if (!onServer) {
      return { partNumber: part.partNumber, action: 'send', reason: part.state === 'done' ? 'recorded done but missing on the server' : 'not uploaded' };
    }
    if (onServer.size !== part.size) {
      return { partNumber: part.partNumber, action: 'send', reason: `server has ${onServer.size} bytes, expected ${part.size}` };
    }
    const serverChecksum = checksumFromBase64(onServer.checksumSha256);
    if (serverChecksum && part.checksum && serverChecksum !== part.checksum) {
      return { partNumber: part.partNumber, action: 'send', reason: 'server checksum differs from the recorded one' };
    }
    const serverEtag = unquoteEtag(onServer.etag);
    if (part.state === 'done') {
      if (part.etag && unquoteEtag(part.etag) === serverEtag) return { partNumber: part.partNumber, action: 'keep' };
      return { partNumber: part.partNumber, action: 'send', reason: 'server ETag differs from the recorded one' };
    }
    if (part.md5 && part.md5.toLowerCase() === serverEtag) {
      return { partNumber: part.partNumber, action: 'adopt', etag: onServer.etag };
    }
    return { partNumber: part.partNumber, action: 'send', reason: 'server copy does not match the recorded MD5' };
  });
}
