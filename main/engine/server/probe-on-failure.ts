import { S3Failure } from '../errors.ts';

/**
 * Before a failed request is retried, a cheap request without a body asks
 * whether retrying can work at all. A server that refuses a request with a
 * body (missing bucket, wrong key, upload gone) often answers and closes the
 * connection before reading it, and Node then reports a broken pipe instead
 * of the answer; RGW also answers a Complete on a vanished upload with a 500.
 * The probe turns those into the real, non-retryable failure; when the probe
 * itself fails for a passing reason, the original failure stands.
 */
export async function probeOnFailure<T>(attempt: () => Promise<T>, probe: () => Promise<unknown>): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    if (error instanceof S3Failure && error.kind === 'retryable') {
      try {
        await probe();
      } catch (probeError) {
        if (probeError instanceof S3Failure && probeError.kind !== 'retryable') throw probeError;
      }
    }
    throw error;
  }
}
