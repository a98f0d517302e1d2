import { findCoverageGap } from '../../shared/domain/part-plan.ts';
import { crashPoint } from './crash-points.ts';
import { probeOnFailure } from './probe-on-failure.ts';
import { assertCompletedPartsUnchanged, assertSourceUnchanged } from './source-check.ts';
import type { VerifyMode } from './source-check.ts';
import { IntegrityError, S3Failure, SourceError } from './errors.ts';
import { multipartEtag } from './multipart-etag.ts';
import { checksumAlgorithmFor, checksumToBase64, digestMatches, digestPart, headersFor } from './part-digest.ts';
import type { PartDigest } from './part-digest.ts';
import type {
  ByteReader,
  ByteSource,
  Clock,
  CompletedPart,
  ObjectLocation,
  ObjectStore,
  PartRecord,
  SendOptions,
  StateStore,
  TargetCapabilities,
  UploadRecord,
} from './ports.ts';
import { ASSUMED_CAPABILITIES } from './probe-capabilities.ts';
import { reconcileParts, unquoteEtag } from './reconcile-parts.ts';
import { RetryBudget, throwIfStopped, withRetries } from './retry-budget.ts';
import type { RetryPolicy } from './retry-budget.ts';
import { runParts } from './part-runner.ts';
import type { SlotPool } from './slot-pool.ts';

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
  bytesSent = 0;
  partsSkipped = 0;
  restartedThisRun = false;
  private readonly inFlight = new Map<number, number>();
  private doneBytes = 0;
  private doneParts = 0;
  private totalParts = 0;
  private readonly budget: RetryBudget;
  private readonly location: ObjectLocation;
  private capabilities: TargetCapabilities = { ...ASSUMED_CAPABILITIES, probedAt: 0 };

  constructor(
    private record: UploadRecord,
    private readonly deps: JobDeps,
  ) {
    this.budget = new RetryBudget(deps.retryPolicy);
    this.location = { bucket: record.bucket, key: record.key };
    this.refreshCounts();
  }

  get id(): string {
    return this.record.id;
  }

  /** Bytes confirmed by the server plus bytes of parts on the wire right now. */
  progress(): { bytesDone: number; partsDone: number; partsTotal: number } {
    let flying = 0;
    for (const bytes of this.inFlight.values()) flying += bytes;
    return { bytesDone: this.doneBytes + flying, partsDone: this.doneParts, partsTotal: this.totalParts };
  }

  async run(signal: AbortSignal): Promise<void> {
    const { store } = this.deps;
    await assertSourceUnchanged(this.deps.source, this.record);
    await assertCompletedPartsUnchanged(this.deps.source, this.record, store.listParts(this.id), this.deps.verify);
    // The file is as recorded again (put back as it was): nothing left to decide.
    if (this.record.conflict !== null) store.setConflict(this.id, null);
    if (this.record.sourceMissing) store.setSourceMissing(this.id, false);
    this.capabilities = await this.deps.capabilities(this.record, (attempt) => this.retry(attempt, signal, 'checking what the server verifies'));
    store.setState(this.id, 'uploading', null);
    this.deps.onChange(this.id);
    if (this.record.singlePut) {
      await this.runSinglePut(signal);
      return;
    }
    for (let restarts = 0; ; restarts += 1) {
      if (restarts > MAX_RESTARTS_PER_RUN) throw new IntegrityError('the server keeps losing this upload; giving up for now');
      const uploadId = await this.ensureMultipartUpload(signal);
      if (uploadId === 'completed') return;
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
      const { uploadId, checksumAlgorithm } = await this.createMultipartUpload(signal);
      crashPoint('upload-created');
      store.setUploadId(this.id, uploadId, checksumAlgorithm);
      store.setExpiresAt(this.id, this.deps.expiresAt(current));
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
    for (const decision of reconcileParts(store.listParts(this.id), remote)) {
      if (decision.action === 'keep') {
        this.partsSkipped += 1;
      } else if (decision.action === 'adopt') {
        store.markPartDone(this.id, decision.partNumber, decision.etag);
        store.recordEvent({ uploadRecordId: this.id, kind: 'adopted-part', message: `part ${decision.partNumber} was on the server already; not sent again` });
        this.partsSkipped += 1;
      } else {
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
    const expected = multipartEtag(store.listParts(this.id).map((part) => part.md5));
    if (head && head.size === this.record.size && expected && unquoteEtag(head.etag) === expected) {
      this.markCompleted(head.etag, 'the previous run had completed it before stopping');
      return 'completed';
    }
    const { uploadId, checksumAlgorithm } = await this.createMultipartUpload(signal);
    store.restartUpload(this.id, uploadId, checksumAlgorithm);
    store.setExpiresAt(this.id, this.deps.expiresAt(this.record));
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

  /** A new multipart upload, with the SHA-256 checksum where the target verifies it. */
  private async createMultipartUpload(signal: AbortSignal) {
    const checksumAlgorithm = checksumAlgorithmFor(this.capabilities);
    const options = checksumAlgorithm ? { checksumAlgorithm } : {};
    const { uploadId } = await this.retry(() => this.deps.objects.createMultipartUpload(this.location, options), signal, 'CreateMultipartUpload');
    return { uploadId, checksumAlgorithm };
  }

  private async sendMissingParts(uploadId: string, signal: AbortSignal): Promise<void> {
    const pending = this.deps.store.listParts(this.id).filter((part) => part.state !== 'done');
    if (pending.length === 0) return;
    const reader = await this.deps.source.open(this.record.path);
    try {
      await runParts(pending, this.deps.pool, signal, (part, partSignal) => this.sendPart(reader, uploadId, part, partSignal));
    } finally {
      await reader.close();
    }
  }

  private async sendPart(reader: ByteReader, uploadId: string, part: PartRecord, signal: AbortSignal): Promise<void> {
    const { store, objects } = this.deps;
    throwIfStopped(signal);
    const bytes = await reader.read(part.offset, part.size);
    const digest = digestPart(bytes);
    // Digests recorded by an earlier attempt at this part must still hold.
    if ((part.md5 !== null || part.checksum !== null) && !digestMatches(part, digest)) {
      throw new SourceError('changed', `${this.record.path} changed since the upload started (part ${part.partNumber} reads differently); its parts will not be mixed`);
    }
    store.markPartStarted(this.id, part.partNumber, digest.md5Hex, digest.checksum);
    crashPoint('part-started');
    try {
      const { etag } = await this.retry(
        () => {
          this.inFlight.set(part.partNumber, 0);
          return probeOnFailure(
            async () =>
              this.checkedEtag(
                part.partNumber,
                digest,
                await objects.uploadPart(
                  this.location,
                  uploadId,
                  part.partNumber,
                  bytes,
                  headersFor(digest, this.capabilities, this.record.checksumAlgorithm),
                  this.sendOptions(part.partNumber, signal),
                ),
              ),
            () => objects.listParts(this.location, uploadId, signal),
          );
        },
        signal,
        `UploadPart ${part.partNumber}`,
      );
      crashPoint('part-uploaded');
      store.markPartDone(this.id, part.partNumber, etag);
      crashPoint('part-recorded');
    } catch (error) {
      store.markPartPending(this.id, part.partNumber);
      throw error;
    } finally {
      this.inFlight.delete(part.partNumber);
    }
    this.doneBytes += part.size;
    this.doneParts += 1;
    this.budget.progressMade();
    this.deps.onChange(this.id);
  }

  /**
   * Where ETags are MD5s, the server's ETag must be the MD5 of the bytes sent:
   * the check that stands in for Content-MD5 on servers that ignore or refuse
   * it. A mismatch is sent again.
   */
  private checkedEtag(partNumber: number, digest: PartDigest, answer: { etag: string }): { etag: string } {
    const etag = unquoteEtag(answer.etag);
    if (this.capabilities.etagIsMd5 && etag !== '' && etag !== digest.md5Hex) {
      throw new S3Failure('retryable', `the server's ETag for part ${partNumber} is not the MD5 of the bytes sent`, 'BadDigest', undefined);
    }
    return answer;
  }

  private sendOptions(partNumber: number, signal: AbortSignal): SendOptions {
    return {
      signal,
      onBytesSent: (count) => this.countSent(partNumber, count),
      beforeChunk: (bytes) => this.deps.throttle(bytes, signal),
    };
  }

  private countSent(partNumber: number, count: number): void {
    this.bytesSent += count;
    this.inFlight.set(partNumber, (this.inFlight.get(partNumber) ?? 0) + count);
    this.deps.onChange(this.id);
  }

  /** Completes after checking the parts cover the file exactly; then checks the object. */
  private async complete(uploadId: string, signal: AbortSignal): Promise<'completed' | 'restarted'> {
    const { objects } = this.deps;
    const parts = this.refreshCounts();
    const notDone = parts.filter((part) => part.state !== 'done' || !part.etag);
    if (notDone.length > 0) throw new IntegrityError(`parts ${notDone.map((part) => part.partNumber).join(', ')} are not uploaded; not completing`);
    const gap = findCoverageGap(parts, this.record.size);
    if (gap) throw new IntegrityError(`the recorded parts do not cover the file exactly (${gap}); not completing`);
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
                parts.map((part) => this.completedPart(part)),
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
    if (!head || head.size !== this.record.size) {
      throw new IntegrityError(`after completing, the object has ${head ? head.size : 'no'} bytes; the file has ${this.record.size}`);
    }
    const expected = multipartEtag(parts.map((part) => part.md5));
    const serverEtag = unquoteEtag(head.etag ?? completedEtag);
    if (this.capabilities.etagIsMd5 && /-\d+$/.test(serverEtag) && expected && serverEtag !== expected) {
      throw new IntegrityError(`after completing, the object's ETag ${serverEtag} is not the expected ${expected}`);
    }
    this.markCompleted(head.etag ?? completedEtag, undefined);
    return 'completed';
  }

  private completedPart(part: PartRecord): CompletedPart {
    const checksumSha256 = this.record.checksumAlgorithm === 'sha256' ? checksumToBase64(part.checksum) : undefined;
    if (this.record.checksumAlgorithm === 'sha256' && !checksumSha256) {
      throw new IntegrityError(`part ${part.partNumber} has no recorded SHA-256, which this upload's Complete must name`);
    }
    return { partNumber: part.partNumber, etag: part.etag as string, ...(checksumSha256 ? { checksumSha256 } : {}) };
  }

  private async runSinglePut(signal: AbortSignal): Promise<void> {
    const { store, objects } = this.deps;
    const reader = await this.deps.source.open(this.record.path);
    let bytes: Uint8Array;
    try {
      bytes = await reader.read(0, this.record.size);
    } finally {
      await reader.close();
    }
    const digest = digestPart(bytes);
    store.markPartStarted(this.id, 1, digest.md5Hex, digest.checksum);
    const headers = headersFor(digest, this.capabilities, checksumAlgorithmFor(this.capabilities));
    const { etag } = await this.retry(
      () => {
        this.inFlight.set(1, 0);
        return probeOnFailure(
          async () => this.checkedEtag(1, digest, await objects.putObject(this.location, bytes, headers, this.sendOptions(1, signal))),
          () => objects.checkAccess(this.location, signal),
        );
      },
      signal,
      'PutObject',
    )
      .catch((error: unknown) => {
        store.markPartPending(this.id, 1);
        throw error;
      })
      .finally(() => this.inFlight.delete(1));
    store.markPartDone(this.id, 1, etag);
    const head = await this.retry(() => objects.headObject(this.location, signal), signal, 'HeadObject');
    if (!head || head.size !== this.record.size) throw new IntegrityError(`after PutObject, the object has ${head ? head.size : 'no'} bytes; the file has ${this.record.size}`);
    this.markCompleted(head.etag ?? etag, undefined);
  }

  private markCompleted(etag: string | null, note: string | undefined): void {
    this.deps.store.markCompleted(this.id, etag);
    this.deps.store.recordEvent({ uploadRecordId: this.id, kind: 'completed', message: note ?? 'completed and verified' });
    this.refreshCounts();
    this.deps.onChange(this.id);
  }
}
