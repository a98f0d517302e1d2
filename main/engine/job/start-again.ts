import type { JobContext } from './job-context.ts';
import { createMultipartUpload, sweepLeftovers } from './new-multipart-upload.ts';

/**
 * The upload goes on in a new multipart upload, from the first part: every
 * part is pending again and the record says why (a 'restarted' event, whose
 * message the user sees). Used when the server lost the old one, and when it
 * holds parts that keep the old one from ever completing.
 */
export async function startAgain(job: JobContext, why: { event: string; log: string }, signal: AbortSignal): Promise<string> {
  const { store } = job.deps;
  const { uploadId, checksumAlgorithm, abortDate } = await createMultipartUpload(job, signal);
  // A run killed right here before would have left its fresh upload unrecorded.
  if (job.killedBefore) await sweepLeftovers(job, uploadId, job.record, signal);
  store.restartUpload(job.id, uploadId, checksumAlgorithm);
  store.setExpiresAt(job.id, abortDate ?? job.deps.expiresAt(job.record));
  store.recordEvent({ uploadRecordId: job.id, kind: 'restarted', message: why.event });
  job.deps.log(job.id, why.log);
  job.restartedThisRun = true;
  job.record = { ...job.record, uploadId, checksumAlgorithm, restarts: job.record.restarts + 1 };
  job.refreshCounts();
  job.deps.onChange(job.id);
  return uploadId;
}
