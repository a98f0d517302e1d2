import { createHash } from 'node:crypto';
import type { PartDigest, PartHasher } from '../ports/part-hasher.ts';
import type { BodyDigests } from '../ports/object-store.ts';
import type { ChecksumAlgorithm, TargetCapabilities } from '../ports/records.ts';

export function digestPart(bytes: Uint8Array): PartDigest {
  return digestFromHashes(createHash('md5').update(bytes).digest(), createHash('sha256').update(bytes).digest());
}

/** MD5 alone, as raw bytes: what an object sent whole carries in Content-MD5 and as its ETag (no SHA-256 needed). */
export function md5Of(bytes: Uint8Array): Buffer {
  return createHash('md5').update(bytes).digest();
}

/** Hashing on the engine's own thread: what the engine does when its host gives no faster hasher. */
export const inlineHasher: PartHasher = { digest: async (bytes) => digestPart(bytes) };

/** The digest from the raw MD5 and SHA-256 (however they were computed: see ../ports/part-hasher.ts). */
export function digestFromHashes(md5Raw: Uint8Array, sha256Raw: Uint8Array): PartDigest {
  const md5 = Buffer.from(md5Raw);
  const sha256 = Buffer.from(sha256Raw);
  return { md5Hex: md5.toString('hex'), md5Base64: md5.toString('base64'), sha256Base64: sha256.toString('base64'), checksum: `sha256:${sha256.toString('hex')}` };
}

/** A recorded "sha256:<hex>" as the base64 S3 uses in x-amz-checksum-sha256; undefined for another or no checksum. */
export function checksumToBase64(checksum: string | null): string | undefined {
  const match = /^sha256:([0-9a-f]{64})$/.exec(checksum ?? '');
  return match ? Buffer.from(match[1] as string, 'hex').toString('base64') : undefined;
}

/** The server's base64 SHA-256 in the recorded form; undefined when it is not one. */
export function checksumFromBase64(base64: string | undefined): string | undefined {
  if (!base64) return undefined;
  const raw = Buffer.from(base64, 'base64');
  return raw.length === 32 ? `sha256:${raw.toString('hex')}` : undefined;
}

/**
 * Whether the recorded digests still describe `bytes`: the MD5, and the
 * SHA-256 when one was recorded (MD5 alone can be forged; SHA-256 cannot).
 */
export function digestMatches(recorded: { md5: string | null; checksum: string | null }, digest: PartDigest): boolean {
  if (recorded.md5 !== null && recorded.md5 !== digest.md5Hex) return false;
  if (recorded.checksum !== null && recorded.checksum !== digest.checksum) return false;
  return recorded.md5 !== null || recorded.checksum !== null;
}

/** The algorithm a new multipart upload is created with: only where the server checks it, so it is worth its bytes. */
export function checksumAlgorithmFor(capabilities: TargetCapabilities): ChecksumAlgorithm | null {
  return capabilities.checksumSha256 === 'verified' ? 'sha256' : null;
}

/** The integrity headers for a body: Content-MD5 unless the server refuses it; SHA-256 when the upload was created with it. */
export function headersFor(digest: PartDigest, capabilities: TargetCapabilities, algorithm: ChecksumAlgorithm | null): BodyDigests {
  return {
    ...(capabilities.contentMd5 !== 'rejected' ? { md5Base64: digest.md5Base64 } : {}),
    ...(algorithm === 'sha256' ? { sha256Base64: digest.sha256Base64 } : {}),
  };
}
