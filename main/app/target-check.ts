import type { TargetCheck, TargetCheckField } from '../../shared/ipc-contract.ts';
import { S3Failure } from '../engine/errors.ts';
import type { ObjectStore } from '../engine/ports/object-store.ts';

/** A check that waits longer than this (a host that drops packets) says the endpoint does not answer. */
export const TARGET_CHECK_TIMEOUT_MS = 10_000;

const CREDENTIAL_CODES = new Set(['InvalidAccessKeyId', 'SignatureDoesNotMatch', 'ExpiredToken', 'TokenRefreshRequired', 'CredentialsProviderError', 'AccessDenied', 'AllAccessDisabled', 'InvalidToken']);
const BUCKET_CODES = new Set(['NoSuchBucket', 'InvalidBucketName']);
const REGION_CODES = new Set(['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException', 'Redirect', 'TemporaryRedirect']);

/** Which field of the target form a failure points at. */
export function fieldOfFailure(failure: S3Failure): TargetCheckField | null {
  if (BUCKET_CODES.has(failure.code)) return 'bucket';
  if (CREDENTIAL_CODES.has(failure.code) || failure.status === 403) return 'credentials';
  if (REGION_CODES.has(failure.code) || failure.status === 301 || failure.status === 307) return 'region';
  // No HTTP answer (refused, no such host, timeout), or an answer that is not S3's: the endpoint is wrong or down.
  if (failure.status === undefined || failure.code === 'NotS3') return 'endpoint';
  return null;
}

/**
 * Tries the target with the cheapest request that needs the endpoint, the
 * credentials and the bucket all to be right: a ListObjectsV2 of one key
 * under its prefix (one attempt, no retries).
 */
export async function checkTarget(objects: ObjectStore, where: { bucket: string; keyPrefix: string; host: string }, timeoutMs = TARGET_CHECK_TIMEOUT_MS): Promise<TargetCheck> {
  const timeout = AbortSignal.timeout(timeoutMs);
  try {
    await objects.checkAccess({ bucket: where.bucket, key: where.keyPrefix }, timeout);
    return { ok: true, field: null, message: `reached bucket "${where.bucket}" at ${where.host}` };
  } catch (error) {
    if (timeout.aborted) return { ok: false, field: 'endpoint', message: `${where.host} did not answer within ${Math.round(timeoutMs / 1000)} s` };
    if (error instanceof S3Failure) return { ok: false, field: fieldOfFailure(error), message: error.message };
    return { ok: false, field: null, message: error instanceof Error ? error.message : String(error) };
  }
}
