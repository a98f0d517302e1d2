import { checksumAlgorithmFor } from '../sending/part-digest.ts';
import { sweepCrashLeftovers } from '../server/crash-leftovers.ts';
import { CreateGuard } from '../server/create-guard.ts';
import type { UploadRecord } from '../ports/records.ts';
import type { JobContext } from './job-context.ts';

/**
 * A new multipart upload for the job, with the SHA-256 checksum where the
 * target verifies it. Creating is the one call whose lost answer leaves
 * something behind on the server (an upload nobody knows); the guard removes
 * what such attempts made. Returns the server's own expiry (its lifecycle
 * rule) when it gives one: that wins over the configured expiry.
 */
export async function createMultipartUpload(job: JobContext, signal: AbortSignal) {
  const { objects, store, clock } = job.deps;
  const checksumAlgorithm = checksumAlgorithmFor(job.capabilities);
  const options = checksumAlgorithm ? { checksumAlgorithm } : {};
  const guard = new CreateGuard(objects, job.location, () => clock.now());
  const { uploadId, abortDate } = await job.retry(() => guard.attempt(() => objects.createMultipartUpload(job.location, options)), signal, 'CreateMultipartUpload');
  const known = (id: string) => store.listUnfinished().some((upload) => upload.uploadId === id);
  const removed = await guard.sweep(uploadId, (attempt) => job.retry(attempt, signal, 'removing an upload a lost answer made'), known);
  if (removed > 0) job.deps.log(job.id, `removed ${removed} empty multipart upload(s) made by attempts whose answer was lost`);
  return { uploadId, checksumAlgorithm, abortDate };
}

/**
 * A killed run may have created multipart uploads it never recorded: they are
 * removed before the new one is recorded, so that a kill during the sweep
 * leaves the mark for the next run to sweep again.
 */
export async function sweepLeftovers(job: JobContext, uploadId: string, current: UploadRecord, signal: AbortSignal): Promise<void> {
  const { store, objects, clock } = job.deps;
  const isKnown = (id: string) => store.listUnfinished().some((upload) => upload.uploadId === id);
  const retry = <T>(attempt: () => Promise<T>) => job.retry(attempt, signal, 'removing uploads a killed run left');
  const removed = await sweepCrashLeftovers({ objects, location: job.location, retry, isKnown }, uploadId, current.startedAt, clock.now());
  if (removed > 0) job.deps.log(job.id, `removed ${removed} multipart upload(s) a killed run had left on the server`);
}
