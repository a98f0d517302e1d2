import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { multipartEtag } from '../server/multipart-etag.ts';
import { copyIntoNewUpload, isInterimObject, renewIfDue } from '../server/rollover.ts';
import type { RolloverDeps } from '../server/rollover.ts';
import type { JobContext } from './job-context.ts';
import { startAgain } from './start-again.ts';
import { foreignObjectAt, foreignObjectConflict } from '../server/key-guard.ts';

/**
 * The server no longer has the multipart upload: it was aborted or expired,
 * or the previous run completed it and died before recording that. HeadObject
 * tells which: an object of our size whose ETag is the MD5-of-MD5s of our
 * recorded parts is ours. A renewal that stopped half-way goes on from its
 * interim object. Otherwise a fresh upload starts, and the record says so.
 */
export async function recoverGoneUpload(job: JobContext, oldUploadId: string, signal: AbortSignal): Promise<string | 'completed'> {
  const { store, objects } = job.deps;
  const head = await job.retry(() => objects.headObject(job.location, signal), signal, 'HeadObject');
  const parts = store.listParts(job.id);
  const expected = multipartEtag(parts.map((part) => part.md5));
  if (head && head.size === job.record.size && expected && unquoteEtag(head.etag) === expected) {
    job.markCompleted(head.etag, 'the previous run had completed it before stopping');
    return 'completed';
  }
  if (isInterimObject(head, parts, job.capabilities)) {
    job.deps.log(job.id, 'continuing an interrupted renewal of the upload');
    const uploadId = await copyIntoNewUpload(rolloverDeps(job, signal), job.record, signal);
    job.afterNewUpload(uploadId);
    return uploadId;
  }
  // Not ours and not what was there when the upload started: another writer's, which starting again would replace.
  const foreign = foreignObjectAt(job.record, head);
  if (foreign) throw foreignObjectConflict(store, job.record, job.location, foreign);
  return startAgain(
    job,
    {
      event: `the server no longer had multipart upload ${oldUploadId} (aborted or expired); started again from the first part`,
      log: 'the server discarded the unfinished upload; starting again',
    },
    signal,
  );
}

/** Before sending: an upload the server will discard soon is renewed (see ../server/rollover.ts). */
export async function rollOverIfDue(job: JobContext, uploadId: string, signal: AbortSignal): Promise<string> {
  const record = job.deps.store.getUpload(job.id) ?? job.record;
  const renewed = await renewIfDue(rolloverDeps(job, signal), record, uploadId, { now: job.deps.clock.now(), windowMs: job.deps.rolloverWindowMs }, signal);
  if (renewed === undefined) return uploadId;
  job.afterNewUpload(renewed);
  return renewed;
}

function rolloverDeps(job: JobContext, signal: AbortSignal): RolloverDeps {
  return {
    store: job.deps.store,
    objects: job.deps.objects,
    location: job.location,
    capabilities: job.capabilities,
    retry: (attempt, what) => job.retry(attempt, signal, what),
    expiresAt: job.deps.expiresAt,
    log: (message) => job.deps.log(job.id, message),
  };
}
