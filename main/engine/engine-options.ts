import type { UploadView } from '../../shared/ipc-contract.ts';
import type { ByteSource } from './ports/byte-source.ts';
import type { Clock } from './ports/clock.ts';
import type { PartHasher } from './ports/part-hasher.ts';
import type { TestHooks } from './ports/test-hooks.ts';
import type { ObjectStoreFactory } from './ports/object-store.ts';
import type { ObjectLocation, SourceKind, TargetConfig, UploadRecord } from './ports/records.ts';
import type { StateStore } from './ports/state-store.ts';
import { DEFAULT_RETRY_POLICY } from './sending/retry-budget.ts';
import type { VerifyMode } from './changes/source-check.ts';
import type { RetryPolicy } from './sending/retry-budget.ts';
import type { PartBuffers } from './sending/part-buffers.ts';
import type { SlotPool } from './sending/slot-pool.ts';

export interface EngineOptions {
  /** Parts in flight across all uploads. */
  concurrency: number;
  defaultPartSize: number;
  /** Uploads running at once (each still bounded by the shared part slots). */
  maxActiveUploads: number;
  retryPolicy: RetryPolicy;
  /** Completed and cancelled uploads are forgotten this long after they finished. */
  retentionMs: number;
  /** Progress events are coalesced to at most one per this interval. */
  progressIntervalMs: number;
  /** Bytes per second over all uploads; 0 means no limit. */
  bandwidthLimit: number;
  /** On resume, re-read a sample of the completed parts (first, last, some at random) or all of them. */
  verify: VerifyMode;
  /**
   * How long the server keeps an unfinished multipart upload of this record
   * (its lifecycle rule); null when it never discards them. Asked each time a
   * multipart upload is created, to record when it will be discarded.
   */
  expiryMsFor?: (upload: UploadRecord) => number | null;
  /**
   * An unfinished upload the server will discard within this long is renewed
   * at the start of a run, its parts copied server-side (see rollover.ts); 0: never.
   */
  rolloverWindowMs: number;
  /** The largest object the servers take (S3: 5 TiB); a bigger source is refused before anything is sent. */
  maxObjectSize: number;
}

const DAY_MS = 24 * 3600 * 1000;
/** AWS's commonly recommended lifecycle rule aborts incomplete multipart uploads after 7 days. */
export const DEFAULT_EXPIRY_MS = 7 * DAY_MS;

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  concurrency: 4,
  defaultPartSize: 8 * 1024 * 1024,
  maxActiveUploads: 4,
  retryPolicy: DEFAULT_RETRY_POLICY,
  retentionMs: 30 * DAY_MS,
  progressIntervalMs: 100,
  bandwidthLimit: 0,
  verify: 'sample',
  expiryMsFor: () => DEFAULT_EXPIRY_MS,
  rolloverWindowMs: DAY_MS,
  maxObjectSize: 5 * 1024 ** 4,
};

export interface EngineDeps {
  store: StateStore;
  objectStoreFor: ObjectStoreFactory;
  /** Files. */
  source: ByteSource;
  /** Folders sent as one archive generated on the fly; without it such uploads are refused. */
  archives?: ByteSource;
  clock: Clock;
  /** Hashes parts for sending; without it they are hashed on the engine's own thread. */
  hasher?: PartHasher;
  /** The crash and hold points of the end-to-end tests; inert without. */
  testHooks?: TestHooks;
}

/** What every sender shares (see UploadEngine.sendingShare). */
export interface SendingShare {
  pool: SlotPool;
  throttle: (bytes: number, signal: AbortSignal) => Promise<void> | void;
  chunkBytes: () => number;
  retryPolicy: RetryPolicy;
  defaultPartSize: number;
  /** The process's part buffers: a file sent whole is read into one while it holds a part slot, as a part is. */
  buffers: PartBuffers;
  hasher: PartHasher;
}

export interface AddUploadRequest {
  path: string;
  location: ObjectLocation;
  target: TargetConfig;
  /** The app's saved target, recorded with the upload so its credentials are found again on resume. */
  targetId?: string;
  partSize?: number;
  /** 'archive': `path` is a folder sent as one archive object. Default 'file'. */
  kind?: SourceKind;
  /** false: do not look on the server for this file's unfinished upload (a folder's listing showed none). Default true. */
  adopt?: boolean;
  /** The folder (sent as one object per file) this file belongs to. */
  folderId?: string;
}

export interface RunResult {
  id: string;
  /** 'conflict': the source changed; the upload waits for resolveConflict. */
  outcome: 'completed' | 'failed' | 'conflict' | 'paused' | 'cancelled' | 'stopped';
  error: string | null;
  /** Body bytes handed to the network in this run, retries included. */
  bytesSent: number;
  /** Parts not sent in this run because the server verifiably had them. */
  partsSkipped: number;
  restarted: boolean;
  /** It stopped because the disk holding the state database is full: running it again once there is space continues it. */
  waitingForSpace?: boolean;
}

export type EngineEvent =
  | { type: 'progress'; uploads: UploadView[] }
  | { type: 'log'; id: string; message: string }
  | { type: 'finished'; result: RunResult }
  /** Uploads no longer in the state database (cancelled, forgotten, pruned): a UI drops their rows. */
  | { type: 'removed'; ids: string[] };
