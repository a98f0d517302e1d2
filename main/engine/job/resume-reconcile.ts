import { crashPoint } from '../test-hooks/test-hooks.ts';
import { IntegrityError, S3Failure } from '../errors.ts';
import type { PartRecord } from '../ports/records.ts';
import { reconcileParts } from '../server/reconcile-parts.ts';
import { keyStateOf } from '../server/key-guard.ts';
import { recoverGoneUpload } from './gone-upload.ts';
import type { JobContext } from './job-context.ts';
import { createMultipartUpload, sweepLeftovers } from './new-multipart-upload.ts';

/**
 * The start of each pass of a run: the multipart upload to send into. A
 * record without one gets a new one; a record with one is reconciled with the
 * server's ListParts (all pages), part by part (see ../server/reconcile-parts.ts):
 * kept, adopted (on the server, never recorded) or to be sent again. A server
 * that no longer has it is handled as a gone upload. Returns the upload id, or
 * 'completed' when a previous run had completed it.
 */
export async function openMultipartUpload(job: JobContext, signal: AbortSignal): Promise<string | 'completed'> {
  const { store } = job.deps;
  const current = store.getUpload(job.id);
  if (!current) throw new IntegrityError('the upload was removed while running');
  job.record = current;
  if (!current.uploadId) {
    const { uploadId, checksumAlgorithm, abortDate } = await createMultipartUpload(job, signal);
    crashPoint('upload-created');
    if (job.killedBefore) await sweepLeftovers(job, uploadId, current, signal);
    if (current.keyAtStart === null) {
      // What is there now is what the user asked to replace; anything else found before Complete is another writer's
      // (server/key-guard.ts). After the create, whose refusal names wrong credentials (a HEAD's 403 has no body to say why).
      const head = await job.retry(() => job.deps.objects.headObject(job.location, signal), signal, 'HeadObject');
      store.setKeyAtStart(job.id, keyStateOf(head));
      job.record = store.getUpload(job.id) ?? current;
    }
    store.setUploadId(job.id, uploadId, checksumAlgorithm, abortDate ?? job.deps.expiresAt(current));
    crashPoint('upload-id-recorded');
    job.record = { ...job.record, uploadId, checksumAlgorithm };
    return uploadId;
  }
  let remote;
  try {
    remote = await job.retry(() => job.deps.objects.listParts(job.location, current.uploadId as string, signal), signal, 'ListParts');
  } catch (error) {
    if (error instanceof S3Failure && error.kind === 'upload-gone') return recoverGoneUpload(job, current.uploadId, signal);
    throw error;
  }
  // The server's own date, where ListParts gives it (an adopted upload, a rule added since), is the one that counts.
  if (remote.abortDate !== undefined && remote.abortDate !== current.expiresAt) store.setExpiresAt(job.id, remote.abortDate);
  const recorded = store.listParts(job.id);
  const recordedByNumber = new Map(recorded.map((part) => [part.partNumber, part]));
  for (const decision of reconcileParts(recorded, remote)) {
    if (decision.action === 'keep') {
      job.partsSkipped += 1;
    } else if (decision.action === 'adopt') {
      store.markPartDone(job.id, decision.partNumber, decision.etag);
      store.recordEvent({ uploadRecordId: job.id, kind: 'adopted-part', message: `part ${decision.partNumber} was on the server already; not sent again` });
      job.partsSkipped += 1;
    } else if (!isPendingAlready(recordedByNumber.get(decision.partNumber))) {
      // Only parts whose record changes are written: a big upload has thousands still pending, and a
      // synced write each would keep the resume from sending anything for seconds.
      store.markPartPending(job.id, decision.partNumber);
    }
  }
  job.refreshCounts();
  job.deps.onChange(job.id);
  return current.uploadId;
}

/** A part recorded as not sent and with no ETag: marking it pending again would change nothing. */
function isPendingAlready(part: PartRecord | undefined): boolean {
  return part !== undefined && part.state === 'pending' && part.etag === null;
}
