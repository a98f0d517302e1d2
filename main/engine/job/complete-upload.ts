import { assertSourceUnchanged } from '../changes/source-check.ts';
import { S3Failure } from '../errors.ts';
import { checksumAlgorithmFor, digestPart } from '../sending/part-digest.ts';
import type { PartWriter } from '../sending/part-writer.ts';
import { assertCompletedObject, assertReadyToComplete, completedPart } from '../server/object-checks.ts';
import { probeOnFailure } from '../server/probe-on-failure.ts';
import { crashPoint } from '../test-hooks/test-hooks.ts';
import { foreignObjectAt, foreignObjectConflict } from '../server/key-guard.ts';
import { recoverGoneUpload } from './gone-upload.ts';
import { isPartsRefusal, restartForStrayParts } from './stray-parts.ts';
import type { JobContext } from './job-context.ts';

/**
 * The end of an upload: Complete only when the recorded parts cover the
 * source exactly and the source is still as recorded; then HeadObject must
 * show the object Hoist meant to make (size, and the multipart ETag where
 * ETags are MD5s). A server that lost the upload meanwhile is handled as a
 * gone upload, one that refuses it over parts outside the plan as in
 * stray-parts.ts: 'restarted' sends the parts again.
 */
export async function completeUpload(job: JobContext, uploadId: string, signal: AbortSignal): Promise<'completed' | 'restarted'> {
  const { objects } = job.deps;
  const parts = job.refreshCounts();
  assertReadyToComplete(parts, job.record.size);
  await assertSourceUnchanged(job.deps.source, job.record);
  await assertKeyNotTaken(job, signal);
  crashPoint('before-complete');
  let completedEtag: string | null;
  try {
    ({ etag: completedEtag } = await job.retry(
      () =>
        probeOnFailure(
          () => objects.completeMultipartUpload(job.location, uploadId, parts.map((part) => completedPart(part, job.record.checksumAlgorithm)), signal),
          // RGW answers a Complete on an upload it no longer has with a retryable 500.
          () => objects.listParts(job.location, uploadId, signal),
        ),
      signal,
      'CompleteMultipartUpload',
    ));
  } catch (error) {
    if (isPartsRefusal(error)) {
      await restartForStrayParts(job, uploadId, error, signal);
      return 'restarted';
    }
    if (!(error instanceof S3Failure && error.kind === 'upload-gone')) throw error;
    const outcome = await recoverGoneUpload(job, uploadId, signal);
    return outcome === 'completed' ? 'completed' : 'restarted';
  }
  crashPoint('after-complete');
  const head = await job.retry(() => objects.headObject(job.location, signal), signal, 'HeadObject');
  assertCompletedObject(head, { size: job.record.size, parts, completedEtag }, job.capabilities);
  job.markCompleted(head?.etag ?? completedEtag, undefined);
  return 'completed';
}

/**
 * Before Complete replaces what is at the key: nobody else wrote there since
 * the upload started (server/key-guard.ts). A renewal's interim object is
 * recorded as the key's object when it is made (server/rollover.ts), and the
 * job's record read again after it (afterNewUpload).
 */
async function assertKeyNotTaken(job: JobContext, signal: AbortSignal): Promise<void> {
  if (job.record.keyAtStart === null) return;
  const head = await job.retry(() => job.deps.objects.headObject(job.location, signal), signal, 'HeadObject');
  const foreign = foreignObjectAt(job.record, head);
  if (foreign) throw foreignObjectConflict(job.deps.store, job.record, job.location, foreign);
}

/** A source small enough for one PutObject: read whole, sent, and checked like a completed multipart object. */
export async function putWholeObject(job: JobContext, writer: PartWriter, signal: AbortSignal): Promise<void> {
  const reader = await job.deps.source.open(job.record.path);
  let bytes: Uint8Array;
  try {
    bytes = await reader.read(0, job.record.size);
  } finally {
    await reader.close();
  }
  const digest = digestPart(bytes);
  const etag = await writer.putObject(bytes, digest, job.capabilities, checksumAlgorithmFor(job.capabilities), signal);
  const head = await job.retry(() => job.deps.objects.headObject(job.location, signal), signal, 'HeadObject');
  assertCompletedObject(head, { size: job.record.size, parts: [], completedEtag: etag }, job.capabilities, 'PutObject');
  job.markCompleted(head?.etag ?? etag, undefined);
}
