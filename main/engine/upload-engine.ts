import { randomBytes } from 'node:crypto';
import { choosePartSize, planParts, usesSinglePut } from '../../shared/domain/part-plan.ts';
import type { UploadSnapshot } from '../../shared/domain/upload-snapshot.ts';
import { describeError, isStopped, S3Failure } from './errors.ts';
import type { StopReason } from './errors.ts';
import { StoppedError } from './errors.ts';
import type { ByteSource, Clock, ObjectLocation, ObjectStore, ObjectStoreFactory, StateStore, TargetConfig, UploadRecord } from './ports.ts';
import { DEFAULT_RETRY_POLICY, RetryBudget, withRetries } from './retry-budget.ts';
import type { RetryPolicy } from './retry-budget.ts';
import { SlotPool } from './slot-pool.ts';
import { SpeedMeter } from './speed-meter.ts';
import { UploadJob } from './upload-job.ts';
import { buildSnapshot } from './build-snapshot.ts';

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
}

export const DEFAULT_ENGINE_OPTIONS: EngineOptions = {
  concurrency: 4,
  defaultPartSize: 8 * 1024 * 1024,
  maxActiveUploads: 4,
  retryPolicy: DEFAULT_RETRY_POLICY,
  retentionMs: 30 * 24 * 3600 * 1000,
  progressIntervalMs: 100,
};

export interface EngineDeps {
  store: StateStore;
  objectStoreFor: ObjectStoreFactory;
  source: ByteSource;
  clock: Clock;
}

export interface AddUploadRequest {
  path: string;
  location: ObjectLocation;
  target: TargetConfig;
  partSize?: number;
}

export interface RunResult {
  id: string;
  outcome: 'completed' | 'failed' | 'paused' | 'cancelled' | 'stopped';
  error: string | null;
  /** Body bytes handed to the network in this run, retries included. */
  bytesSent: number;
  /** Parts not sent in this run because the server verifiably had them. */
  partsSkipped: number;
  restarted: boolean;
}

export type EngineEvent =
  | { type: 'progress'; uploads: UploadSnapshot[] }
  | { type: 'log'; id: string; message: string }
  | { type: 'finished'; result: RunResult };

interface Running {
  job: UploadJob | undefined;
  controller: AbortController;
  done: Promise<RunResult>;
}

/**
 * The host-neutral upload engine: the same object runs inside Electron, the
 * headless web bridge and the CLI. It owns the shared part slots, the running
 * jobs and the coalesced progress events.
 */
export class UploadEngine {
  private readonly options: EngineOptions;
  private readonly partSlots: SlotPool;
  private readonly uploadSlots: SlotPool;
  private readonly running = new Map<string, Running>();
  private readonly objectStores = new Map<string, ObjectStore>();
  private readonly meters = new Map<string, SpeedMeter>();
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly dirty = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly deps: EngineDeps,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    this.partSlots = new SlotPool(this.options.concurrency);
    this.uploadSlots = new SlotPool(this.options.maxActiveUploads);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Records a new upload, or returns the unfinished one for the same file and
   * target so that it continues. The source must exist and be readable now.
   */
  async addUpload(request: AddUploadRequest): Promise<{ record: UploadRecord; continued: boolean }> {
    const { store, source, clock } = this.deps;
    const stat = await source.stat(request.path);
    await (await source.open(request.path)).close();
    const existing = store.findUnfinished(request.path, request.location, request.target.endpoint);
    if (existing) return { record: existing, continued: true };
    const partSize = choosePartSize(stat.size, request.partSize ?? this.options.defaultPartSize);
    const fingerprint = await source.fingerprint(request.path, stat.size);
    const record = store.createUpload(
      {
        id: randomBytes(6).toString('hex'),
        ...request.target,
        ...request.location,
        path: request.path,
        size: stat.size,
        partSize,
        singlePut: usesSinglePut(stat.size, partSize),
        mtimeNs: stat.mtimeNs,
        fileId: stat.fileId,
        fingerprint,
        startedAt: clock.now(),
        state: 'queued',
      },
      planParts(stat.size, partSize),
    );
    return { record, continued: false };
  }

  /** Runs one upload to its end (completed, failed, paused, cancelled or stopped). */
  run(id: string): Promise<RunResult> {
    const already = this.running.get(id);
    if (already) return already.done;
    const controller = new AbortController();
    const entry: Running = { job: undefined, controller, done: Promise.resolve(undefined as never) };
    entry.done = this.runJob(id, entry).finally(() => {
      this.running.delete(id);
      this.meters.delete(id);
      this.markDirty(id);
    });
    this.running.set(id, entry);
    return entry.done;
  }

  /** Runs every unfinished upload; paused ones only when asked to. */
  resumeAll(options: { includePaused: boolean }): Promise<RunResult[]> {
    const ids = this.deps.store
      .listUnfinished()
      .filter((upload) => options.includePaused || upload.state !== 'paused')
      .map((upload) => upload.id);
    return Promise.all(ids.map((id) => this.run(id)));
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  async pause(id: string): Promise<void> {
    const entry = this.running.get(id);
    if (entry) {
      entry.controller.abort(new StoppedError('paused'));
      await entry.done;
      return;
    }
    const upload = this.deps.store.getUpload(id);
    if (upload && upload.state !== 'completed' && upload.state !== 'cancelled') this.deps.store.setState(id, 'paused');
    this.markDirty(id);
  }

  /**
   * Stops the upload, aborts the multipart upload on the server (so it costs
   * nothing there) and forgets it locally. If the server cannot be reached the
   * state is kept and the error thrown: nothing is forgotten that still exists.
   */
  async cancel(id: string): Promise<void> {
    const entry = this.running.get(id);
    if (entry) {
      entry.controller.abort(new StoppedError('cancelled'));
      await entry.done;
    }
    const upload = this.deps.store.getUpload(id);
    if (!upload) throw new Error(`no upload with id ${id}`);
    if (upload.uploadId && upload.state !== 'completed') {
      const objects = this.objectStoreFor(upload);
      const signal = new AbortController().signal;
      await withRetries(
        () => objects.abortMultipartUpload({ bucket: upload.bucket, key: upload.key }, upload.uploadId as string),
        new RetryBudget({ ...this.options.retryPolicy, maxRetries: Math.min(3, this.options.retryPolicy.maxRetries) }),
        this.deps.clock,
        signal,
      );
    }
    this.deps.store.recordEvent({ uploadRecordId: id, kind: 'cancelled', message: 'cancelled' });
    this.deps.store.deleteUpload(id);
    this.emit({ type: 'progress', uploads: [] });
  }

  /** Forgets an upload that never reached the server (nothing to abort there). */
  forget(id: string): void {
    this.deps.store.deleteUpload(id);
  }

  /** Stops starting parts, aborts those in flight (they go back to pending) and waits. */
  async shutdown(): Promise<void> {
    const entries = [...this.running.values()];
    for (const entry of entries) entry.controller.abort(new StoppedError('shutdown'));
    await Promise.all(entries.map((entry) => entry.done));
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
  }

  /** Removes finished uploads older than the retention period. */
  pruneHistory(): number {
    return this.deps.store.pruneFinished(this.deps.clock.now() - this.options.retentionMs);
  }

  snapshot(ids?: readonly string[]): UploadSnapshot[] {
    const uploads = ids
      ? ids.map((id) => this.deps.store.getUpload(id)).filter((upload): upload is UploadRecord => upload !== undefined)
      : this.deps.store.listUploads();
    return uploads.map((upload) => this.snapshotOf(upload));
  }

  private snapshotOf(upload: UploadRecord): UploadSnapshot {
    const job = this.running.get(upload.id)?.job;
    let progress: { bytesDone: number; partsDone: number; partsTotal: number };
    if (job) progress = job.progress();
    else {
      const parts = this.deps.store.listParts(upload.id);
      const done = parts.filter((part) => part.state === 'done');
      progress = { bytesDone: done.reduce((sum, part) => sum + part.size, 0), partsDone: done.length, partsTotal: parts.length };
    }
    const speed = job ? (this.meters.get(upload.id)?.bytesPerSecond() ?? 0) : 0;
    return buildSnapshot(upload, progress, speed);
  }

  private objectStoreFor(target: TargetConfig): ObjectStore {
    const key = `${target.endpoint ?? ''}|${target.region}|${target.pathStyle}`;
    let objects = this.objectStores.get(key);
    if (!objects) {
      objects = this.deps.objectStoreFor(target);
      this.objectStores.set(key, objects);
    }
    return objects;
  }

  private async runJob(id: string, entry: Running): Promise<RunResult> {
    const { store } = this.deps;
    const result: RunResult = { id, outcome: 'failed', error: null, bytesSent: 0, partsSkipped: 0, restarted: false };
    let releaseUploadSlot: (() => void) | undefined;
    try {
      releaseUploadSlot = await this.uploadSlots.acquire(entry.controller.signal);
      const record = store.getUpload(id);
      if (!record) throw new Error(`no upload with id ${id}`);
      if (record.state === 'completed') {
        result.outcome = 'completed';
        this.emit({ type: 'finished', result });
        return result;
      }
      const job = new UploadJob(record, {
        store,
        objects: this.objectStoreFor(record),
        source: this.deps.source,
        clock: this.deps.clock,
        pool: this.partSlots,
        retryPolicy: this.options.retryPolicy,
        onChange: (changed) => this.markDirty(changed),
        log: (changed, message) => this.emit({ type: 'log', id: changed, message }),
      });
      entry.job = job;
      this.meters.set(id, new SpeedMeter());
      try {
        await job.run(entry.controller.signal);
        result.outcome = 'completed';
      } finally {
        Object.assign(result, { bytesSent: job.bytesSent, partsSkipped: job.partsSkipped, restarted: job.restartedThisRun });
      }
    } catch (error) {
      const stop = isStopped(error) ? error.reason : entry.controller.signal.aborted ? stopReasonOf(entry.controller.signal) : undefined;
      if (stop) {
        result.outcome = stop === 'paused' ? 'paused' : stop === 'cancelled' ? 'cancelled' : 'stopped';
        if (store.getUpload(id)) store.setState(id, stop === 'paused' ? 'paused' : 'queued');
        if (stop === 'paused') store.recordEvent({ uploadRecordId: id, kind: 'paused', message: 'paused' });
      } else {
        result.error = describeError(error);
        if (store.getUpload(id)) {
          store.setState(id, 'failed', result.error);
          store.recordEvent({ uploadRecordId: id, kind: 'failed', message: result.error });
        }
        if (!(error instanceof S3Failure) && !(error instanceof Error && 'code' in error)) this.emit({ type: 'log', id, message: result.error });
      }
    } finally {
      releaseUploadSlot?.();
    }
    this.emit({ type: 'finished', result });
    return result;
  }

  private markDirty(id: string): void {
    this.dirty.add(id);
    if (this.flushTimer || this.listeners.size === 0) return;
    this.flushTimer = setTimeout(() => this.flushProgress(), this.options.progressIntervalMs);
  }

  private flushProgress(): void {
    this.flushTimer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    const now = this.deps.clock.now();
    for (const id of ids) {
      const job = this.running.get(id)?.job;
      if (job) this.meters.get(id)?.sample(now, job.bytesSent);
    }
    this.emit({ type: 'progress', uploads: this.snapshot(ids) });
  }

  private emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function stopReasonOf(signal: AbortSignal): StopReason {
  const reason: unknown = signal.reason;
  return reason instanceof StoppedError ? reason.reason : 'shutdown';
}
