import { createHash, randomBytes } from 'node:crypto';
import { S3Failure } from '../errors.ts';
import type { BodyDigests } from '../ports/object-store.ts';
import type { TargetCapabilities } from '../ports/records.ts';

/**
 * How the in-memory S3 treats integrity headers, so tests can play different
 * providers: the defaults are RGW's (Content-MD5 verified, checksum headers
 * accepted and ignored, no checksums listed, ETag = MD5); AWS verifies
 * SHA-256 and lists it; some servers refuse the headers outright; with
 * SSE-KMS an ETag is not the MD5.
 */
export type ServerBehaviour = Omit<TargetCapabilities, 'probedAt'>;

export const RGW_LIKE: ServerBehaviour = { contentMd5: 'verified', checksumSha256: 'ignored', returnsChecksums: false, etagIsMd5: true };
export const AWS_LIKE: ServerBehaviour = { contentMd5: 'verified', checksumSha256: 'verified', returnsChecksums: true, etagIsMd5: true };

export const md5Of = (bytes: Uint8Array): Buffer => createHash('md5').update(bytes).digest();
export const sha256Base64Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('base64');

/** Throws as the server would for the headers sent with `body`; `uploadChecksum` is the algorithm the upload was created with. */
export function checkBodyDigests(behaviour: ServerBehaviour, body: Uint8Array, digests: BodyDigests, uploadChecksum: 'sha256' | null = null): void {
  if (digests.md5Base64 !== undefined) {
    if (behaviour.contentMd5 === 'rejected') throw refused('Content-MD5');
    if (behaviour.contentMd5 === 'verified' && md5Of(body).toString('base64') !== digests.md5Base64) {
      throw new S3Failure('retryable', 'the Content-MD5 does not match the body', 'BadDigest', 400);
    }
  }
  if (digests.sha256Base64 !== undefined) {
    if (behaviour.checksumSha256 === 'rejected') throw refused('x-amz-checksum-sha256');
    if (behaviour.checksumSha256 === 'verified' && sha256Base64Of(body) !== digests.sha256Base64) {
      throw new S3Failure('retryable', 'the SHA-256 does not match the body', 'BadDigest', 400);
    }
  } else if (uploadChecksum && behaviour.checksumSha256 === 'verified') {
    // AWS: an upload created with a checksum algorithm wants it on every part.
    throw new S3Failure('fatal', 'this upload expects x-amz-checksum-sha256', 'InvalidRequest', 400);
  }
}

/** A part's or object's ETag: its quoted MD5, or an opaque value where ETags are not MD5s. */
export function etagFor(behaviour: ServerBehaviour, body: Uint8Array): string {
  return `"${(behaviour.etagIsMd5 ? md5Of(body) : randomBytes(16)).toString('hex')}"`;
}

/** The multipart object's ETag from its parts' bodies. */
export function multipartEtagFor(behaviour: ServerBehaviour, bodies: readonly Buffer[]): string {
  const digest = behaviour.etagIsMd5 ? md5Of(Buffer.concat(bodies.map((body) => md5Of(body)))) : randomBytes(16);
  return `"${digest.toString('hex')}-${bodies.length}"`;
}

export function refused(header: string): S3Failure {
  return new S3Failure('fatal', `the server does not accept ${header}`, 'InvalidRequest', 400);
}
