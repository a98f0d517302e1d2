import { crashPoint } from '../test-hooks/crash-points.ts';
import { CreateGuard } from '../server/create-guard.ts';
import { sweepCrashLeftovers } from '../server/crash-leftovers.ts';
import { IntegrityError, S3Failure, SourceError, StateStoreFullError } from '../errors.ts';
import { multipartEtag } from '../server/multipart-etag.ts';
import { assertCompletedObject, assertReadyToComplete, completedPart } from '../server/object-checks.ts';
import { checksumAlgorithmFor, digestMatches, digestPart } from '../sending/part-digest.ts';
import { digestPartOffThread } from '../../platform/part-hasher-thread.ts';
import { pumpParts } from '../sending/part-pump.ts';
import { PartWriter } from '../sending/part-writer.ts';
import type { ByteSource, Clock, ObjectLocation, ObjectStore, PartRecord, StateStore, TargetCapabilities, UploadRecord } from '../ports.ts';
import { probeOnFailure } from '../server/probe-on-failure.ts';
import { ASSUMED_CAPABILITIES } from '../capabilities/probe-capabilities.ts';
import { reconcileParts } from '../server/reconcile-parts.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { copyIntoNewUpload, isInterimObject, renewIfDue } from '../server/rollover.ts';
import type { RolloverDeps } from '../server/rollover.ts';
import { RetryBudget, throwIfStopped, withRetries } from '../sending/retry-budget.ts';
import type { RetryPolicy } from '../sending/retry-budget.ts';
import type { SlotPool } from '../sending/slot-pool.ts';
import { assertCompletedPartsUnchanged, assertSourceUnchanged } from '../changes/source-check.ts';
import type { VerifyMode } from '../changes/source-check.ts';

export interface JobDeps {
  store: StateStore;
  objects: ObjectStore;
  source: ByteSource;
  clock: Clock;
  pool: SlotPool;
  retryPolicy: RetryPolicy;
  /** When the server will discard a multipart upload created now for this record (null: never). */
  expiresAt: (upload: UploadRecord) => number | null;
  /** Awaited before each chunk goes to the network: the shared bandwidth limit. */
  throttle: (bytes: number, signal: AbortSignal) => Promise<void> | void;
  /** How many bytes to hand to the network at a time (see TokenBucket.stepBytes). */
  chunkBytes: () => number;
  /** Roll an upload over (see rollover.ts) when the server will discard it within this long; 0: never. */
  rolloverWindowMs: number;
  /** How many completed parts to re-read on resume. */
  verify: VerifyMode;
  /** What the upload's target does with integrity headers (probed once per target). */
  capabilities: (upload: UploadRecord, retry: <T>(attempt: () => Promise<T>) => Promise<T>) => Promise<TargetCapabilities>;
  /** Something changed that a progress display would show. */
  onChange: (id: string) => void;
  log: (id: string, message: string) => void;
}

/** A server that lost the upload more often than this in one run is not worth chasing. */
const MAX_RESTARTS_PER_RUN = 3;

/**
 * One upload's run: check the source, reconcile with the server, send the
 * missing parts, complete and verify. The state database is written before
 * each part is sent and after the server acknowledged it.
 */
export class UploadJob {
  partsSkipped = 0;
  restartedThisRun = false;
  private rolloverChecked = false;
  private readonly writer: PartWriter;
  private doneBytes = 0;
  private doneParts = 0;
  private totalParts = 0;
  private readonly budget: RetryBudget;
  private readonly location: ObjectLocation;
  private capabilities: TargetCapabilities = { ...ASSUMED_CAPABILITIES, probedAt: 0 };
  /** The last run of this upload never recorded how it ended: it was killed (see crash-leftovers.ts). */
  private readonly killedBefore: boolean;

  constructor(
    private record: UploadRecord,
    private readonly deps: JobDeps,
  ) {
    this.budget = new RetryBudget(deps.retryPolicy);
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
  progress(): { bytesDone: number; partsDone: number; partsTotal: number } {
    return { bytesDone: this.doneBytes + this.writer.bytesInFlight(), partsDone: this.doneParts, partsTotal: this.totalParts };
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
      await this.runSinglePut(signal);
      return;
    }
    for (let restarts = 0; ; restarts += 1) {
      if (restarts > MAX_RESTARTS_PER_RUN) throw new IntegrityError('the server keeps losing this upload; giving up for now');
      const ensured = await this.ensureMultipartUpload(signal);
      if (ensured === 'completed') return;
      const uploadId = await this.rollOverIfDue(ensured, signal);
      try {
        await this.sendMissingParts(uploadId, signal);
      } catch (error) {
        // The server dropped the upload while parts were going up (expiry, an abort elsewhere).
        if (!(error instanceof S3Failure && error.kind === 'upload-gone')) throw error;
        if ((await this.recoverGoneUpload(uploadId, signal)) === 'completed') return;
        continue;
      }
      if ((await this.complete(uploadId, signal)) === 'completed') return;
    }
  }

  private retry<T>(attempt: () => Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    return withRetries(attempt, this.budget, this.deps.clock, signal, (failure, delay) =>
      this.deps.log(this.id, `${what}: ${failure.message}; retrying in ${(delay / 1000).toFixed(1)} s`),
    );
  }

  private refreshCounts(): PartRecord[] {
    const parts = this.deps.store.listParts(this.id);
    const done = parts.filter((part) => part.state === 'done');
    this.doneParts = done.length;
    this.doneBytes = done.reduce((sum, part) => sum + part.size, 0);
    this.totalParts = parts.length;
    return parts;
  }

  /** Returns the multipart upload id to continue, after reconciling with the server; or 'completed'. */
  private async ensureMultipartUpload(signal: AbortSignal): Promise<string | 'completed'> {
    const { store } = this.deps;
    const current = store.getUpload(this.id);
    if (!current) throw new IntegrityError('the upload was removed while running');
    this.record = current;
    if (!current.uploadId) {
      const { uploadId, checksumAlgorithm, abortDate } = await this.createMultipartUpload(signal);
      crashPoint('upload-created');
      if (this.killedBefore) await this.sweepLeftovers(uploadId, current, signal);
      store.setUploadId(this.id, uploadId, checksumAlgorithm);
      store.setExpiresAt(this.id, abortDate ?? this.deps.expiresAt(current));
      crashPoint('upload-id-recorded');
      this.record = { ...current, uploadId, checksumAlgorithm };
      return uploadId;
    }
    let remote;
    try {
      remote = await this.retry(() => this.deps.objects.listParts(this.location, current.uploadId as string, signal), signal, 'ListParts');
    } catch (error) {
      if (error instanceof S3Failure && error.kind === 'upload-gone') return this.recoverGoneUpload(current.uploadId, signal);
      throw error;
    }
    // The server's own date, where ListParts gives it (an adopted upload, a rule added since), is the one that counts.
    if (remote.abortDate !== undefined && remote.abortDate !== current.expiresAt) store.setExpiresAt(this.id, remote.abortDate);
    const recorded = store.listParts(this.id);
    const recordedByNumber = new Map(recorded.map((part) => [part.partNumber, part]));
    for (const decision of reconcileParts(recorded, remote)) {
      if (decision.action === 'keep') {
        this.partsSkipped += 1;
      } else if (decision.action === 'adopt') {
        store.markPartDone(this.id, decision.partNumber, decision.etag);
        store.recordEvent({ uploadRecordId: this.id, kind: 'adopted-part', message: `part ${decision.partNumber} was on the server already; not sent again` });
        this.partsSkipped += 1;
      } else if (!isPendingAlready(recordedByNumber.get(decision.partNumber))) {
        // Only parts whose record changes are written: a big upload has thousands still pending, and a
        // synced write each would keep the resume from sending anything for seconds.
        store.markPartPending(this.id, decision.partNumber);
      }
    }
    this.refreshCounts();
    this.deps.onChange(this.id);
    return current.uploadId;
  }

  /**
   * The server no longer has the multipart upload: it was aborted or expired,
   * or the previous run completed it and died before recording that. HeadObject
   * tells which: an object of our size whose ETag is the MD5-of-MD5s of our
   * recorded parts is ours. Otherwise start a fresh upload, and say so.
   */
  private async recoverGoneUpload(oldUploadId: string, signal: AbortSignal): Promise<string | 'completed'> {
    const { store, objects } = this.deps;
    const head = await this.retry(() => objects.headObject(this.location, signal), signal, 'HeadObject');
    const parts = store.listParts(this.id);
    const expected = multipartEtag(parts.map((part) => part.md5));
    if (head && head.size === this.record.size && expected && unquoteEtag(head.etag) === expected) {
      this.markCompleted(head.etag, 'the previous run had completed it before stopping');
      return 'completed';
    }
    // A rollover stopped after making its interim object: go on copying from it.
    if (isInterimObject(head, parts, this.capabilities)) {
      this.deps.log(this.id, 'continuing an interrupted renewal of the upload');
      const uploadId = await copyIntoNewUpload(this.rolloverDeps(signal), this.record, signal);
      this.afterNewUpload(uploadId);
      return uploadId;
    }
    const { uploadId, checksumAlgorithm, abortDate } = await this.createMultipartUpload(signal);
    // A run killed right here before would have left its fresh upload unrecorded.
    if (this.killedBefore) await this.sweepLeftovers(uploadId, this.record, signal);
    store.restartUpload(this.id, uploadId, checksumAlgorithm);
    store.setExpiresAt(this.id, abortDate ?? this.deps.expiresAt(this.record));
    store.recordEvent({
      uploadRecordId: this.id,
      kind: 'restarted',
      message: `the server no longer had multipart upload ${oldUploadId} (aborted or expired); started again from the first part`,
    });
    this.deps.log(this.id, 'the server discarded the unfinished upload; starting again');
    this.restartedThisRun = true;
    this.record = { ...this.record, uploadId, checksumAlgorithm, restarts: this.record.restarts + 1 };
    this.refreshCounts();
    this.deps.onChange(this.id);
    return uploadId;
  }

  /** Once per run, before sending: an upload the server will discard soon is renewed (see rollover.ts). */
  private async rollOverIfDue(uploadId: string, signal: AbortSignal): Promise<string> {
    if (this.rolloverChecked) return uploadId;
    this.rolloverChecked = true;
    const record = this.deps.store.getUpload(this.id) ?? this.record;
    const renewed = await renewIfDue(this.rolloverDeps(signal), record, uploadId, { now: this.deps.clock.now(), windowMs: this.deps.rolloverWindowMs }, signal);
    if (renewed === undefined) return uploadId;
    this.afterNewUpload(renewed);
    return renewed;
  }

  private rolloverDeps(signal: AbortSignal): RolloverDeps {
    return {
      store: this.deps.store,
      objects: this.deps.objects,
      location: this.location,
      capabilities: this.capabilities,
      retry: (attempt, what) => this.retry(attempt, signal, what),
      expiresAt: this.deps.expiresAt,
      log: (message) => this.deps.log(this.id, message),
    };
  }

  private afterNewUpload(uploadId: string): void {
    this.record = this.deps.store.getUpload(this.id) ?? { ...this.record, uploadId };
    this.refreshCounts();
    this.deps.onChange(this.id);
  }

  /** Before recording the new upload, so that a kill during the sweep leaves the mark for the next run to sweep again. */
  private async sweepLeftovers(uploadId: string, current: UploadRecord, signal: AbortSignal): Promise<void> {
    const isKnown = (id: string) => this.deps.store.listUnfinished().some((upload) => upload.uploadId === id);
    const retry = <T>(attempt: () => Promise<T>) => this.retry(attempt, signal, 'removing uploads a killed run left');
    const removed = await sweepCrashLeftovers({ objects: this.deps.objects, location: this.location, retry, isKnown }, uploadId, current.startedAt, this.deps.clock.now());
    if (removed > 0) this.deps.log(this.id, `removed ${removed} multipart upload(s) a killed run had left on the server`);
  }

  /** A new multipart upload, with the SHA-256 checksum where the target verifies it. */
  private async createMultipartUpload(signal: AbortSignal) {
    const checksumAlgorithm = checksumAlgorithmFor(this.capabilities);
    const options = checksumAlgorithm ? { checksumAlgorithm } : {};
    const guard = new CreateGuard(this.deps.objects, this.location, () => this.deps.clock.now());
    const { uploadId, abortDate } = await this.retry(() => guard.attempt(() => this.deps.objects.createMultipartUpload(this.location, options)), signal, 'CreateMultipartUpload');
    // An attempt whose answer was lost may have made an upload too: remove it (see CreateGuard).
    const known = (id: string) => this.deps.store.listUnfinished().some((upload) => upload.uploadId === id);
    const removed = await guard.sweep(uploadId, (attempt) => this.retry(attempt, signal, 'removing an upload a lost answer made'), known);
    if (removed > 0) this.deps.log(this.id, `removed ${removed} empty multipart upload(s) made by attempts whose answer was lost`);
    // The server's own date (its lifecycle rule) wins over the configured expiry.
    return { uploadId, checksumAlgorithm, abortDate };
  }

  private sendMissingParts(uploadId: string, signal: AbortSignal): Promise<void> {
    const deps = { source: this.deps.source, pool: this.deps.pool, record: this.record, send: (bytes: Uint8Array, part: PartRecord, partSignal: AbortSignal) => this.sendPart(bytes, uploadId, part, partSignal) };
    return pumpParts(deps, this.deps.store.listParts(this.id), signal);
  }

  private async sendPart(bytes: Uint8Array, uploadId: string, part: PartRecord, signal: AbortSignal): Promise<void> {
    throwIfStopped(signal);
    const digest = await digestPartOffThread(bytes);
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

  /** Completes after checking the parts cover the file exactly; then checks the object. */
  private async complete(uploadId: string, signal: AbortSignal): Promise<'completed' | 'restarted'> {
    const { objects } = this.deps;
    const parts = this.refreshCounts();
    assertReadyToComplete(parts, this.record.size);
    await assertSourceUnchanged(this.deps.source, this.record);
    crashPoint('before-complete');
    let completedEtag: string | null;
    try {
      ({ etag: completedEtag } = await this.retry(
        () =>
          probeOnFailure(
            () =>
              objects.completeMultipartUpload(
                this.location,
                uploadId,
                parts.map((part) => completedPart(part, this.record.checksumAlgorithm)),
                signal,
              ),
            // RGW answers a Complete on an upload it no longer has with a retryable 500.
            () => objects.listParts(this.location, uploadId, signal),
          ),
        signal,
        'CompleteMultipartUpload',
      ));
    } catch (error) {
      if (!(error instanceof S3Failure && error.kind === 'upload-gone')) throw error;
      const outcome = await this.recoverGoneUpload(uploadId, signal);
      return outcome === 'completed' ? 'completed' : 'restarted';
    }
    crashPoint('after-complete');
    const head = await this.retry(() => objects.headObject(this.location, signal), signal, 'HeadObject');
    assertCompletedObject(head, { size: this.record.size, parts, completedEtag }, this.capabilities);
    this.markCompleted(head?.etag ?? completedEtag, undefined);
    return 'completed';
  }

  private async runSinglePut(signal: AbortSignal): Promise<void> {
    const reader = await this.deps.source.open(this.record.path);
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(0, this.record.size);
    } finally {
      await reader.close();
    }
    const digest = digestPart(bytes);
    const etag = await this.writer.putObject(bytes, digest, this.capabilities, checksumAlgorithmFor(this.capabilities), signal);
    const head = await this.retry(() => this.deps.objects.headObject(this.location, signal), signal, 'HeadObject');
    assertCompletedObject(head, { size: this.record.size, parts: [], completedEtag: etag }, this.capabilities, 'PutObject');
    this.markCompleted(head?.etag ?? etag, undefined);
  }

  private markCompleted(etag: string | null, note: string | undefined): void {
    this.deps.store.markCompleted(this.id, etag);
    try {
      this.deps.store.recordEvent({ uploadRecordId: this.id, kind: 'completed', message: note ?? 'completed and verified' });
    } catch (error) {
      // The completion is recorded; only its history line found no space. The upload is done all the same.
      if (!(error instanceof StateStoreFullError)) throw error;
    }
    this.refreshCounts();
    this.deps.onChange(this.id);
  }
}

/** A part recorded as not sent and with no ETag: marking it pending again would change nothing. */
function isPendingAlready(part: PartRecord | undefined): boolean {
  return part !== undefined && part.state === 'pending' && part.etag === null;
}
