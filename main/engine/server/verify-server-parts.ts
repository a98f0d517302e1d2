import { MAX_PARTS, MIN_PART_SIZE, planParts, usesSinglePut } from '../../../shared/domain/part-plan.ts';
import type { PlannedPart } from '../../../shared/domain/part-plan.ts';
import { checksumFromBase64, digestPart } from '../sending/part-digest.ts';
import type { PartDigest } from '../ports/part-hasher.ts';
import type { ByteReader } from '../ports/byte-source.ts';
import type { RemotePart, RemoteUpload } from '../ports/object-store.ts';
import type { ChecksumAlgorithm } from '../ports/records.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { describeParts } from '../job/stray-parts.ts';

/**
 * Deciding whether an unfinished multipart upload found on the server (with no
 * local record of it) holds parts of a local file. Nothing here trusts the
 * server's word: a part counts only when its size is the planned size at its
 * number and its ETag is the MD5 of exactly those local bytes (and its
 * SHA-256, where the server lists one, theirs too).
 */

export interface VerifiedPart {
  partNumber: number;
  etag: string;
  md5: string;
  checksum: string;
}

export type ServerPlan = { partSize: number; parts: PlannedPart[] } | { reason: string };

/** A server upload checked against the file: how the file would be cut to continue it, and which parts need not be sent again. */
export interface AdoptionCandidate {
  upload: RemoteUpload;
  partSize: number;
  plan: PlannedPart[];
  verified: VerifiedPart[];
  serverParts: number;
  /** The server lists SHA-256s for its parts: the upload was created with that algorithm, and Complete must name them. */
  checksumAlgorithm: ChecksumAlgorithm | null;
}

/**
 * The part size the upload was started with is the size of its lowest-numbered
 * part, as long as that is a valid non-last part size and every other non-last
 * server part has it too. Anything else was cut differently than we can
 * reproduce, and mixing cuts would corrupt the object.
 */
export function planFromServerParts(fileSize: number, remote: readonly RemotePart[]): ServerPlan {
  const sorted = [...remote].sort((a, b) => a.partNumber - b.partNumber);
  const first = sorted[0];
  if (!first) return { reason: 'it has no parts' };
  const partSize = first.size;
  if (partSize < MIN_PART_SIZE) return { reason: `its first part (${partSize} bytes) is under the 5 MiB minimum` };
  const odd = sorted.slice(0, -1).find((part) => part.size !== partSize);
  if (odd) return { reason: `its parts differ in size (part ${odd.partNumber} has ${odd.size} bytes, part ${first.partNumber} ${partSize})` };
  if (usesSinglePut(fileSize, partSize)) return { reason: `the file (${fileSize} bytes) is smaller than its part size (${partSize} bytes)` };
  if (Math.ceil(fileSize / partSize) > MAX_PARTS) return { reason: `the file would need more than ${MAX_PARTS} parts of ${partSize} bytes` };
  return { partSize, parts: planParts(fileSize, partSize) };
}

/** Server parts whose size is the planned size at their number: the only ones worth reading the file for. */
export function partsToCheck(plan: readonly PlannedPart[], remote: readonly RemotePart[]): Array<{ planned: PlannedPart; remote: RemotePart }> {
  const planned = new Map(plan.map((part) => [part.partNumber, part]));
  return remote.flatMap((part) => {
    const match = planned.get(part.partNumber);
    return match && match.size === part.size ? [{ planned: match, remote: part }] : [];
  });
}

/** Digests of file ranges, each range read once even when several server uploads ask for it. */
export function digestCache(reader: ByteReader): (offset: number, size: number) => Promise<PartDigest> {
  const cache = new Map<string, Promise<PartDigest>>();
  return (offset, size) => {
    const key = `${offset}:${size}`;
    let digest = cache.get(key);
    if (!digest) {
      digest = reader.read(offset, size).then(digestPart);
      cache.set(key, digest);
    }
    return digest;
  };
}

/** Checks one server upload's parts against the file. */
export async function inspectServerUpload(
  upload: RemoteUpload,
  remote: readonly RemotePart[],
  fileSize: number,
  digestOf: (offset: number, size: number) => Promise<PartDigest>,
): Promise<AdoptionCandidate | { upload: RemoteUpload; reason: string }> {
  const plan = planFromServerParts(fileSize, remote);
  if ('reason' in plan) return { upload, reason: plan.reason };
  // A server such as Ceph RGW never completes an upload without every part it holds (see ../job/stray-parts.ts).
  const beyond = remote.filter((part) => part.partNumber > plan.parts.length).map((part) => part.partNumber);
  if (beyond.length > 0) {
    return {
      upload,
      reason: `it holds ${remote.length} parts, ${describeParts(beyond)} beyond the ${plan.parts.length} this file of ${fileSize} bytes has (an upload of a longer file?), so it could not be completed with this file's parts; left as it is`,
    };
  }
  const verified: VerifiedPart[] = [];
  for (const { planned, remote: part } of partsToCheck(plan.parts, remote)) {
    const digest = await digestOf(planned.offset, planned.size);
    if (digest.md5Hex !== unquoteEtag(part.etag)) continue;
    if (part.checksumSha256 !== undefined && checksumFromBase64(part.checksumSha256) !== digest.checksum) continue;
    verified.push({ partNumber: part.partNumber, etag: part.etag, md5: digest.md5Hex, checksum: digest.checksum });
  }
  verified.sort((a, b) => a.partNumber - b.partNumber);
  const checksumAlgorithm = remote.some((part) => part.checksumSha256 !== undefined) ? 'sha256' : null;
  return { upload, partSize: plan.partSize, plan: plan.parts, verified, serverParts: remote.length, checksumAlgorithm };
}

/** The candidate with the most verified parts (the newest on a tie); none when nothing verifies. */
export function chooseCandidate(candidates: readonly AdoptionCandidate[]): AdoptionCandidate | undefined {
  let best: AdoptionCandidate | undefined;
  for (const candidate of candidates) {
    if (candidate.verified.length === 0) continue;
    if (
      !best ||
      candidate.verified.length > best.verified.length ||
      (candidate.verified.length === best.verified.length && (candidate.upload.initiated ?? 0) > (best.upload.initiated ?? 0))
    ) {
      best = candidate;
    }
  }
  return best;
}
