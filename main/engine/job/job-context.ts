import type { VerifyMode } from '../changes/source-check.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { PartHasher } from '../ports/part-hasher.ts';
import type { ObjectLocation, PartRecord, TargetCapabilities, UploadRecord } from '../ports/records.ts';
import type { StateStore } from '../ports/state-store.ts';
import type { RetryPolicy } from '../sending/retry-budget.ts';
import type { PartBuffers } from '../sending/part-buffers.ts';
import type { SlotPool } from '../sending/slot-pool.ts';

/** What one upload's run is given by the engine. */
export interface JobDeps {
  store: StateStore;
  objects: ObjectStore;
  source: ByteSource;
  clock: Clock;
  hasher: PartHasher;
  pool: SlotPool;
  /** The engine's one pool of part buffers (at most `concurrency` held, whatever the number of uploads). */
  buffers: PartBuffers;
  retryPolicy: RetryPolicy;
  /** When the server will discard a multipart upload created now for this record (null: never). */
  expiresAt: (upload: UploadRecord) => number | null;
  /** Awaited before each chunk goes to the network: the shared bandwidth limit. */
  throttle: (bytes: number, signal: AbortSignal) => Promise<void> | void;
  /** How many bytes to hand to the network at a time (see TokenBucket.stepBytes). */
  chunkBytes: () => number;
  /** Roll an upload over (see ../server/rollover.ts) when the server will discard it within this long; 0: never. */
  rolloverWindowMs: number;
  /** How many completed parts to re-read on resume. */
  verify: VerifyMode;
  /** What the upload's target does with integrity headers (probed once per target). */
  capabilities: (upload: UploadRecord, retry: <T>(attempt: () => Promise<T>) => Promise<T>) => Promise<TargetCapabilities>;
  /** Something changed that a progress display would show. */
  onChange: (id: string) => void;
  log: (id: string, message: string) => void;
}

/**
 * One run of one upload as its stages see it (resume reconciliation, a lost
 * upload's recovery, sending, completion): the record as it stands, what the
 * target verifies, and the few operations every stage shares. UploadJob is
 * the one implementation; the stages are functions of it, each in its module.
 */
export interface JobContext {
  readonly id: string;
  readonly deps: JobDeps;
  readonly location: ObjectLocation;
  /** The upload as last read from the state database (stages refresh it when they change it). */
  record: UploadRecord;
  capabilities: TargetCapabilities;
  /** The last run of this upload never recorded how it ended: it was killed (see ../server/crash-leftovers.ts). */
  readonly killedBefore: boolean;
  /** Parts found good on the server at resume, not sent again. */
  partsSkipped: number;
  /** The server had lost the upload during this run and it started again. */
  restartedThisRun: boolean;
  /** Runs a server call with the upload's retry budget, logging each retry as `what`. */
  retry<T>(attempt: () => Promise<T>, signal: AbortSignal, what: string): Promise<T>;
  /** Reads the parts again and updates the progress counts; returns the parts. */
  refreshCounts(): PartRecord[];
  /** A new multipart upload replaced the old one (rollover, restart): re-read the record. */
  afterNewUpload(uploadId: string): void;
  /** Records the completion (and the event, which a full disk may not keep). */
  markCompleted(etag: string | null, note: string | undefined): void;
}
