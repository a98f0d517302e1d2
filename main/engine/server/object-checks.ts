import { findCoverageGap } from '../../../shared/domain/part-plan.ts';
import { IntegrityError } from '../errors.ts';
import { multipartEtag } from './multipart-etag.ts';
import { checksumToBase64 } from '../sending/part-digest.ts';
import type { CompletedPart, ObjectHead } from '../ports/object-store.ts';
import type { ChecksumAlgorithm, PartRecord, TargetCapabilities } from '../ports/records.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';

/**
 * The checks around CompleteMultipartUpload, as pure functions: before it,
 * every part is uploaded and the parts cover the source exactly; after it, the
 * object has the source's size and, where ETags are MD5s, the multipart ETag
 * of the recorded part MD5s (RGW returns an empty ETag from Complete; HeadObject
 * has the real one).
 */

export function assertReadyToComplete(parts: readonly PartRecord[], size: number): void {
  const notDone = parts.filter((part) => part.state !== 'done' || !part.etag);
  if (notDone.length > 0) throw new IntegrityError(`parts ${notDone.map((part) => part.partNumber).join(', ')} are not uploaded; not completing`);
  const gap = findCoverageGap(parts, size);
  if (gap) throw new IntegrityError(`the recorded parts do not cover the file exactly (${gap}); not completing`);
}

/** A part as Complete names it; an upload created with SHA-256 must name each part's. */
export function completedPart(part: PartRecord, algorithm: ChecksumAlgorithm | null): CompletedPart {
  if (algorithm !== 'sha256') return { partNumber: part.partNumber, etag: part.etag as string };
  const checksumSha256 = checksumToBase64(part.checksum);
  if (!checksumSha256) throw new IntegrityError(`part ${part.partNumber} has no recorded SHA-256, which this upload's Complete must name`);
  return { partNumber: part.partNumber, etag: part.etag as string, checksumSha256 };
}

/** Throws unless the completed object is the one the parts make. */
export function assertCompletedObject(
  head: ObjectHead | undefined,
  expected: { size: number; parts: readonly PartRecord[]; completedEtag: string | null },
  capabilities: TargetCapabilities,
  what = 'completing',
): void {
  if (!head || head.size !== expected.size) {
    throw new IntegrityError(`after ${what}, the object has ${head ? head.size : 'no'} bytes; the file has ${expected.size}`);
  }
  const wanted = multipartEtag(expected.parts.map((part) => part.md5));
  const serverEtag = unquoteEtag(head.etag ?? expected.completedEtag);
  if (capabilities.etagIsMd5 && /-\d+$/.test(serverEtag) && wanted && serverEtag !== wanted) {
    throw new IntegrityError(`after ${what}, the object's ETag ${serverEtag} is not the expected ${wanted}`);
  }
}
