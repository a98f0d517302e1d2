import { CreateGuard } from '../server/create-guard.ts';
import { S3Failure } from '../errors.ts';
import { PROBE_BODY, WRONG_BODY } from './probe-body.ts';
import { digestPart } from '../sending/part-digest.ts';
import type { BodyDigests, ObjectStore } from '../ports/object-store.ts';
import type { HeaderSupport, ObjectLocation, TargetCapabilities } from '../ports/records.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';

/**
 * What Hoist assumes of a target it could not probe: what every S3
 * implementation does (Content-MD5 checked, ETag = MD5), nothing more. Only
 * Content-MD5 is sent then.
 */
export const ASSUMED_CAPABILITIES: Omit<TargetCapabilities, 'probedAt'> = {
  contentMd5: 'verified',
  checksumSha256: 'ignored',
  returnsChecksums: false,
  etagIsMd5: true,
};

/**
 * Finds out, with tiny parts on two throwaway multipart uploads of the
 * upload's own key (the one key its permissions surely cover), whether the
 * server checks Content-MD5 and x-amz-checksum-sha256, refuses them, or
 * ignores them; whether ListParts reports checksums; and whether part ETags
 * are MD5s. Endpoints differ (RGW ignores checksum headers, AWS verifies them,
 * some gateways refuse them): Hoist sends only what helps and never what is
 * refused. Both uploads are aborted before returning. A failure that says
 * nothing about the headers (no access, no network) is thrown. `retry` wraps
 * each request (a refusal is an answer, never retried). `clock` times the
 * attempts at creating the probe uploads (see CreateGuard).
 */
export async function probeCapabilities(
  objects: ObjectStore,
  location: ObjectLocation,
  now: number,
  retry: <T>(attempt: () => Promise<T>) => Promise<T> = (attempt) => attempt(),
  clock: () => number = Date.now,
): Promise<TargetCapabilities> {
  const answerOf = <T extends object>(request: () => Promise<T>) => retry(() => refusalAsAnswer(request));
  const probe = { objects, location, answerOf, retry, clock };
  const digest = digestPart(PROBE_BODY);
  const wrong = digestPart(WRONG_BODY);

  const md5 = await withProbeUpload(probe, false, async (uploadId) => {
    if (uploadId === undefined) throw new Error('no probe upload');
    const send = (partNumber: number, digests: BodyDigests) => answerOf(() => objects.uploadPart(location, uploadId, partNumber, PROBE_BODY, digests));
    const right = await send(1, { md5Base64: digest.md5Base64 });
    const plain = right.refused ? await send(1, {}) : right;
    if (plain.refused) throw new Error('the server refuses even a part without integrity headers');
    const etagIsMd5 = unquoteEtag(plain.etag) === digest.md5Hex;
    if (right.refused) return { contentMd5: 'rejected' as const, etagIsMd5 };
    const bad = await send(2, { md5Base64: wrong.md5Base64 });
    return { contentMd5: supportFrom(bad.refused), etagIsMd5 };
  });

  const sha256 = await withProbeUpload(probe, true, async (uploadId) => {
    if (uploadId === undefined) return { checksumSha256: 'rejected' as const, returnsChecksums: false };
    const send = (partNumber: number, digests: BodyDigests) => answerOf(() => objects.uploadPart(location, uploadId, partNumber, PROBE_BODY, digests));
    if ((await send(1, { sha256Base64: digest.sha256Base64 })).refused) return { checksumSha256: 'rejected' as const, returnsChecksums: false };
    const bad = await send(2, { sha256Base64: wrong.sha256Base64 });
    const listed = (await retry(() => objects.listParts(location, uploadId))).find((part) => part.partNumber === 1);
    return { checksumSha256: supportFrom(bad.refused), returnsChecksums: listed?.checksumSha256 === digest.sha256Base64 };
  });

  return { ...md5, ...sha256, probedAt: now };
}

function supportFrom(wrongValueRefused: boolean): HeaderSupport {
  return wrongValueRefused ? 'verified' : 'ignored';
}

interface ProbeDeps {
  objects: ObjectStore;
  location: ObjectLocation;
  answerOf: <R extends object>(request: () => Promise<R>) => Promise<Answer<R>>;
  retry: <T>(attempt: () => Promise<T>) => Promise<T>;
  clock: () => number;
}

/**
 * Runs `work` on a fresh multipart upload (created with SHA-256 when asked;
 * undefined when the server refuses that) and always aborts it afterwards,
 * retrying the abort like any request: a probe must leave nothing behind.
 */
async function withProbeUpload<T>({ objects, location, answerOf, retry, clock }: ProbeDeps, withChecksum: boolean, work: (uploadId: string | undefined) => Promise<T>): Promise<T> {
  const guard = new CreateGuard(objects, location, clock);
  const created = await answerOf(() => guard.attempt(() => objects.createMultipartUpload(location, withChecksum ? { checksumAlgorithm: 'sha256' } : {})));
  if (created.refused) {
    if (!withChecksum) throw new Error('the server refuses to create a multipart upload');
    return work(undefined);
  }
  try {
    await guard.sweep(created.uploadId, retry);
    return await work(created.uploadId);
  } finally {
    await retry(() => objects.abortMultipartUpload(location, created.uploadId)).catch(() => undefined);
  }
}

type Answer<T> = (T & { refused: false }) | { refused: true };

/** A request's answer, or `refused` when the server turned it down as a bad request (400, 501). */
async function refusalAsAnswer<T extends object>(request: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ...(await request()), refused: false };
  } catch (error) {
    if (error instanceof S3Failure && isRefusal(error)) return { refused: true };
    throw error;
  }
}

/**
 * A 400 or 501 answers the question, except a 400 that only says "try again"
 * (RequestTimeout: the body came too slowly): taking that for a refusal would
 * record, for good, that this server refuses Content-MD5 or SHA-256, and parts
 * would go without them. BadDigest is retryable elsewhere but here it is the
 * answer: the server checked the wrong digest the probe sent.
 */
function isRefusal(error: S3Failure): boolean {
  if (error.status === 501) return true;
  return error.status === 400 && (error.kind !== 'retryable' || error.code === 'BadDigest');
}
