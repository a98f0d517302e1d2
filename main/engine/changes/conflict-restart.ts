import { choosePartSize, planParts, usesSinglePut } from '../../../shared/domain/part-plan.ts';
import { SourceError } from '../errors.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SourceFacts, UploadRecord } from '../ports/records.ts';
import type { EventLog, PartLedger, UploadStore } from '../ports/state-store.ts';
import { RetryBudget, withRetries } from '../sending/retry-budget.ts';
import type { RetryPolicy } from '../sending/retry-budget.ts';

export interface RestartDeps {
  store: UploadStore & PartLedger & EventLog;
  source: ByteSource;
  objects: ObjectStore;
  clock: Clock;
  retryPolicy: RetryPolicy;
}

export const RESTARTED_MESSAGE = 'the source changed; started over with the new version';

/**
 * Aborts the upload's unfinished multipart upload on the server, if it has
 * one, so its parts stop costing storage. Already gone is what abort wants
 * (both object stores treat it as success). A few retries only: the user is
 * waiting, and a failure leaves the local state as it was.
 */
export async function abortOnServer(objects: ObjectStore, upload: UploadRecord, retryPolicy: RetryPolicy, clock: Clock): Promise<void> {
  if (!upload.uploadId || upload.state === 'completed') return;
  const uploadId = upload.uploadId;
  await withRetries(
    () => objects.abortMultipartUpload({ bucket: upload.bucket, key: upload.key }, uploadId),
    new RetryBudget({ ...retryPolicy, maxRetries: Math.min(3, retryPolicy.maxRetries) }),
    clock,
    new AbortController().signal,
  );
}

/**
 * The new version's source facts (the part size as before, grown only if the
 * file now needs more than 10,000 parts). The file is looked at before anything
 * on the server is thrown away or reused: a missing or unreadable file turns the
 * conflict into a plain failure saying so, and the error is thrown to the caller.
 */
export async function readNewSource(store: UploadStore & EventLog, source: ByteSource, upload: UploadRecord): Promise<SourceFacts> {
  try {
    const stat = await source.stat(upload.path);
    await (await source.open(upload.path)).close();
    const fingerprint = await source.fingerprint(upload.path, stat.size);
    const partSize = choosePartSize(stat.size, upload.partSize);
    return {
      size: stat.size,
      mtimeNs: stat.mtimeNs,
      fileId: stat.fileId,
      fingerprint,
      partSize,
      singlePut: usesSinglePut(stat.size, partSize),
      snapshot: stat.snapshot ?? null,
    };
  } catch (error) {
    // 'changed' here means the file is still being written: it stays a conflict to decide again.
    if (error instanceof SourceError && error.code !== 'changed') {
      store.setConflict(upload.id, null);
      store.setState(upload.id, 'failed', error.message);
      store.recordEvent({ uploadRecordId: upload.id, kind: 'failed', message: error.message });
    }
    throw error;
  }
}

/**
 * The user chose to upload the changed source from the start: the old
 * multipart upload is aborted and the record takes the new source facts and a
 * new part plan; the caller then runs it.
 */
export async function restartWithNewSource(deps: RestartDeps, upload: UploadRecord, known?: SourceFacts): Promise<UploadRecord> {
  const { store } = deps;
  const facts = known ?? (await readNewSource(store, deps.source, upload));
  await abortOnServer(deps.objects, upload, deps.retryPolicy, deps.clock);
  store.replaceSource(upload.id, facts, planParts(facts.size, facts.partSize));
  store.recordEvent({ uploadRecordId: upload.id, kind: 'restarted', message: RESTARTED_MESSAGE });
  const updated = store.getUpload(upload.id);
  if (!updated) throw new Error(`upload ${upload.id} was removed while restarting`);
  return updated;
}
