import { choosePartSize, PartPlanError, planParts, usesSinglePut } from '../../../shared/domain/part-plan.ts';
import { locationProblem } from '../../../shared/domain/s3-url.ts';
import { formatBytes } from '../../../shared/domain/units.ts';
import type { AdoptOutcome } from '../server/adopt-from-server.ts';
import { newUploadFor } from './new-upload-record.ts';
import type { AddUploadRequest } from '../engine-options.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { UploadRecord } from '../ports/records.ts';
import type { EventLog, UploadStore } from '../ports/state-store.ts';

export interface AddUploadDeps {
  store: UploadStore & EventLog;
  clock: Clock;
  source: ByteSource;
  defaultPartSize: number;
  maxObjectSize: number;
  /** Looks on the server for this file's unfinished upload (files only). */
  adopt: (request: AddUploadRequest) => Promise<AdoptOutcome>;
}

export type AddedUpload = { record: UploadRecord; continued: boolean; adopted?: { uploadId: string; partsVerified: number } };

/**
 * Records a new upload, or returns the unfinished one for the same source and
 * target so that it continues. The source must exist and be readable now, and
 * S3 must be able to take it (bucket name, key length, object size): all
 * checked before anything is recorded or sent.
 */
export async function addUpload(deps: AddUploadDeps, request: AddUploadRequest): Promise<AddedUpload> {
  const { store, clock, source } = deps;
  const kind = request.kind ?? 'file';
  const stat = await source.stat(request.path);
  await (await source.open(request.path)).close();
  const problem = locationProblem(request.location);
  if (problem) throw new PartPlanError(problem);
  if (stat.size > deps.maxObjectSize) {
    throw new PartPlanError(`${request.path} has ${stat.size} bytes: larger than the ${formatBytes(deps.maxObjectSize)} an S3 object can hold`);
  }
  const existing = store.findUnfinished(request.path, request.location, request.target.endpoint);
  if (existing) return { record: existing, continued: true };
  // No record (new machine, deleted database): the server may still hold this file's parts.
  // Only a saving: when the server cannot be asked now, the run reports why.
  const adopted = kind === 'file' && request.adopt !== false ? await deps.adopt(request).catch(() => undefined) : undefined;
  if (adopted && 'record' in adopted) return { record: adopted.record, continued: true, adopted };
  const partSize = choosePartSize(stat.size, request.partSize ?? deps.defaultPartSize);
  const fingerprint = await source.fingerprint(request.path, stat.size);
  const record = store.createUpload(
    newUploadFor(request, {
      size: stat.size,
      partSize,
      singlePut: usesSinglePut(stat.size, partSize),
      mtimeNs: stat.mtimeNs,
      fileId: stat.fileId,
      fingerprint,
      startedAt: clock.now(),
      state: 'queued',
      sourceKind: kind,
      snapshot: stat.snapshot ?? null,
    }),
    planParts(stat.size, partSize),
  );
  // The server had unfinished uploads of this key, none continued: the record says what was found (not when there were none).
  if (adopted && 'reason' in adopted && adopted.found) store.recordEvent({ uploadRecordId: record.id, kind: 'not-adopted', message: `not continued from the server: ${adopted.reason}` });
  return { record, continued: false };
}
