import { ASSUMED_CAPABILITIES } from '../capabilities/probe-capabilities.ts';
import { assertCompletedPartsUnchanged, assertSourceUnchanged } from '../changes/source-check.ts';
import { IntegrityError, S3Failure, SourceError, StateStoreFullError } from '../errors.ts';
import type { ObjectLocation, PartRecord, TargetCapabilities, UploadRecord } from '../ports/records.ts';
import { digestMatches } from '../sending/part-digest.ts';
import { pumpParts } from '../sending/part-pump.ts';
import { PartWriter } from '../sending/part-writer.ts';
import { RetryBudget, throwIfStopped } from '../sending/retry-budget.ts';
import { RetryWatch } from '../sending/retry-watch.ts';
import type { RetryWait } from '../sending/retry-watch.ts';
import { completeUpload, putWholeObject } from './complete-upload.ts';
import { recoverGoneUpload, rollOverIfDue } from './gone-upload.ts';
import type { JobContext, JobDeps } from './job-context.ts';
import { openMultipartUpload } from './resume-reconcile.ts';
import type { UploadProgress } from '../build-snapshot.ts';

export type { JobDeps } from './job-context.ts';

/** A server that lost the upload more often than this in one run is not worth chasing. */
const MAX_RESTARTS_PER_RUN = 3;

/**
 * One upload's run: check the source, reconcile with the server, send the
 * missing parts, complete and verify. The state database is written before
 * each part is sent and after the server acknowledged it. Each stage lives in
 * its own module (resume-reconcile, gone-upload, complete-upload); this class
 * holds what they share: the record, the retry budget and the progress counts.
 */
export class UploadJob implements JobContext {
  partsSkipped = 0;
  restartedThisRun = false;
  capabilities: TargetCapabilities = { ...ASSUMED_CAPABILITIES, probedAt: 0 };
  readonly location: ObjectLocation;
  readonly killedBefore: boolean;
  private readonly writer: PartWriter;
  private readonly budget: RetryBudget;
  /** Runs its requests with retries and knows the wait going on (what the row shows instead of "Uploading"). */
  private readonly retries: RetryWatch;
  private doneBytes = 0;
  private doneParts = 0;
  private totalParts = 0;

  constructor(
    public record: UploadRecord,
    readonly deps: JobDeps,
  ) {
    this.budget = new RetryBudget(deps.retryPolicy);
    this.retries = new RetryWatch({ budget: this.budget, policy: deps.retryPolicy, clock: deps.clock, log: (message) => deps.log(record.id, message), onChange: () => deps.onChange(record.id) });
    this.killedBefore = record.state === 'uploading';
    this.location = { bucket: record.bucket, key: record.key };
    this.writer = new PartWriter({
      store: deps.store,
      objects: deps.objects,
      location: this.location,
      uploadRecordId: record.id,
      retry: (attempt, signal, what) => this.retry(attempt, signal, what),
      throttle: deps.throttle,
      chunkBytes: deps.chunkBytes,
      onChange: () => deps.onChange(record.id),
    });
    this.refreshCounts();
  }

  get id(): string {
    return this.record.id;
  }

  /** Body bytes handed to the network in this run, re-sent ones included. */
  get bytesSent(): number {
    return this.writer.bytesSent;
  }

  /** Bytes confirmed by the server plus bytes of parts on the wire right now. */
  /** Confirmed bytes apart from those on the wire: a part in flight is lost by a kill, so it must not look done. */
  progress(): UploadProgress {
    return {
      bytesDone: this.doneBytes,
      bytesInFlight: this.writer.bytesInFlight(),
      partsInFlight: this.writer.partsInFlight(),
      partsDone: this.doneParts,
      partsTotal: this.totalParts,
    };
  }

  async run(signal: AbortSignal): Promise<void> {
    const { store } = this.deps;
    await assertSourceUnchanged(this.deps.source, this.record);
    // A generated source is checked part by part as it is regenerated (see sendMissingParts).
    if (!this.deps.source.sequentialOnly) {
      await assertCompletedPartsUnchanged(this.deps.source, this.record, store.listParts(this.id), this.deps.verify);
    }
    // The file is as recorded again (put back as it was): nothing left to decide.
    if (this.record.conflict !== null) store.setConflict(this.id, null);
    if (this.record.sourceMissing) store.setSourceMissing(this.id, false);
    // Before the probe: a run killed in the probe must leave the mark that makes the next one sweep.
    store.setState(this.id, 'uploading', null);
    this.capabilities = await this.deps.capabilities(this.record, (attempt) => this.retry(attempt, signal, 'checking what the server verifies'));
    this.deps.onChange(this.id);
    if (this.record.singlePut) {
      await putWholeObject(this, this.writer, signal);
      return;
    }
    let rolloverChecked = false;
    for (let restarts = 0; ; restarts += 1) {
      if (restarts > MAX_RESTARTS_PER_RUN) throw new IntegrityError('the server keeps losing this upload; giving up for now');
      const opened = await openMultipartUpload(this, signal);
      if (opened === 'completed') return;
      // Once per run, before sending.
      const uploadId = rolloverChecked ? opened : await rollOverIfDue(this, opened, signal);
      rolloverChecked = true;
      try {
        await this.sendMissingParts(uploadId, signal);
      } catch (error) {
        // The server dropped the upload while parts were going up (expiry, an abort elsewhere).
        if (!(error instanceof S3Failure && error.kind === 'upload-gone')) throw error;
        if ((await recoverGoneUpload(this, uploadId, signal)) === 'completed') return;
        continue;
      }
      if ((await completeUpload(this, uploadId, signal)) === 'completed') return;
    }
  }

  retry<T>(attempt: () => Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    return this.retries.run(attempt, signal, what);
  }

  /** The retry this upload waits for, if any: when, why, which of how many. */
  retrying(): RetryWait | undefined {
    return this.retries.current;
  }

  refreshCounts(): PartRecord[] {
    const parts = this.deps.store.listParts(this.id);
    const done = parts.filter((part) => part.state === 'done');
    this.doneParts = done.length;
    this.doneBytes = done.reduce((sum, part) => sum + part.size, 0);
    this.totalParts = parts.length;
    return parts;
  }

  afterNewUpload(uploadId: string): void {
    this.record = this.deps.store.getUpload(this.id) ?? { ...this.record, uploadId };
    this.refreshCounts();
    this.deps.onChange(this.id);
  }

  markCompleted(etag: string | null, note: string | undefined): void {
    try {
      this.deps.store.markCompleted(this.id, etag, note ?? 'completed and verified');
    } catch (error) {
      // No space for the history line too: the completion alone, then. The upload is done all the same.
      if (!(error instanceof StateStoreFullError)) throw error;
      this.deps.store.markCompleted(this.id, etag);
    }
    this.refreshCounts();
    this.deps.onChange(this.id);
  }

  private sendMissingParts(uploadId: string, signal: AbortSignal): Promise<void> {
    const { source, pool, hasher, buffers } = this.deps;
    const send = (bytes: Uint8Array, part: PartRecord, partSignal: AbortSignal) => this.sendPart(bytes, uploadId, part, partSignal);
    return pumpParts({ source, pool, hasher, buffers, record: this.record, send }, this.deps.store.listParts(this.id), signal);
  }

  private async sendPart(bytes: Uint8Array, uploadId: string, part: PartRecord, signal: AbortSignal): Promise<void> {
    throwIfStopped(signal);
    const digest = await this.deps.hasher.digest(bytes);
    throwIfStopped(signal);
    // Digests recorded by an earlier attempt at this part must still hold.
    if ((part.md5 !== null || part.checksum !== null) && !digestMatches(part, digest)) {
      throw new SourceError('changed', `${this.record.path} changed since the upload started (part ${part.partNumber} reads differently); its parts will not be mixed`);
    }
    await this.writer.writePart(uploadId, part, bytes, digest, { capabilities: this.capabilities, algorithm: this.record.checksumAlgorithm }, signal);
    this.doneBytes += part.size;
    this.doneParts += 1;
    this.budget.progressMade();
    this.deps.onChange(this.id);
  }
}
