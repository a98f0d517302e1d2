import { addUpload } from './changes/add-upload.ts';
import type { AddedUpload } from './changes/add-upload.ts';
import type { ConflictChoice, UploadView } from '../../shared/ipc-contract.ts';
import { adoptFromServer } from './server/adopt-from-server.ts';
import type { AdoptOutcome } from './server/adopt-from-server.ts';
import { abortOnServer } from './changes/conflict-restart.ts';
import { resolveConflict } from './changes/resolve-conflict.ts';
import type { ConflictHost } from './changes/resolve-conflict.ts';
import { DEFAULT_ENGINE_OPTIONS, DEFAULT_EXPIRY_MS } from './engine-options.ts';
import type { AddUploadRequest, EngineDeps, EngineEvent, EngineOptions, RunResult, SendingShare } from './engine-options.ts';
import { CapabilityCache } from './capabilities/capability-cache.ts';
import { EngineEvents } from './engine-events.ts';
import { SourceError, StoppedError } from './errors.ts';
import { ObjectStoreCache } from './capabilities/object-store-cache.ts';
import type { ByteSource } from './ports/byte-source.ts';
import type { ObjectStore } from './ports/object-store.ts';
import type { SourceKind, TargetConfig, UploadRecord } from './ports/records.ts';
import { PartBuffers } from './sending/part-buffers.ts';
import { SlotPool } from './sending/slot-pool.ts';
import { TokenBucket } from './sending/token-bucket.ts';
import { runOneJob } from './job/run-one-job.ts';
import { RunningJobs } from './job/running-jobs.ts';
import type { RunHost } from './job/run-one-job.ts';
import { UploadJob } from './job/upload-job.ts';
import { inlineHasher } from './sending/part-digest.ts';
import { installTestHooks } from './test-hooks/test-hooks.ts';
import { snapshotUploads } from './build-snapshot.ts';
import { failedForGood } from './run-end.ts';
import { pruneFinished } from './prune-history.ts';

export { DEFAULT_ENGINE_OPTIONS, DEFAULT_EXPIRY_MS } from './engine-options.ts';
export type { AddUploadRequest, EngineDeps, EngineEvent, EngineOptions, RunResult } from './engine-options.ts';

/**
 * The host-neutral upload engine: the same object runs inside Electron, the
 * headless web bridge and the CLI. It owns the shared part slots, the shared
 * bandwidth limit, the running jobs and the coalesced progress events.
 */
export class UploadEngine {
  private readonly options: EngineOptions;
  private readonly partSlots: SlotPool;
  private readonly partBuffers: PartBuffers;
  private readonly uploadSlots: SlotPool;
  private readonly bandwidth: TokenBucket;
  private readonly running = new RunningJobs();
  private readonly objectStores: ObjectStoreCache;
  private readonly events: EngineEvents;
  private readonly capabilities: CapabilityCache;

  constructor(
    private readonly deps: EngineDeps,
    options: Partial<EngineOptions> = {},
  ) {
    this.options = { ...DEFAULT_ENGINE_OPTIONS, ...options };
    if (deps.testHooks) installTestHooks(deps.testHooks);
    this.partSlots = new SlotPool(this.options.concurrency);
    this.partBuffers = new PartBuffers(this.options.concurrency);
    this.uploadSlots = new SlotPool(this.options.maxActiveUploads);
    this.bandwidth = new TokenBucket(deps.clock, this.options.bandwidthLimit);
    this.objectStores = new ObjectStoreCache(deps.objectStoreFor);
    this.capabilities = new CapabilityCache(deps.store, deps.clock);
    this.events = new EngineEvents(this.options.progressIntervalMs, (ids) => this.progressEvent(ids));
  }

  on(listener: (event: EngineEvent) => void): () => void {
    return this.events.on(listener);
  }

  /**
   * Records a new upload, or returns the unfinished one for the same file and
   * target so that it continues. The source must exist and be readable now.
   */
  async addUpload(request: AddUploadRequest): Promise<AddedUpload> {
    const { store, clock } = this.deps;
    const { defaultPartSize, maxObjectSize } = this.options;
    const source = this.sourceFor(request.kind ?? 'file');
    return addUpload({ store, clock, source, defaultPartSize, maxObjectSize, adopt: (adopting) => this.adoptFromServer(adopting) }, request);
  }

  /**
   * Records an unfinished multipart upload of the request's key found on the
   * server whose parts verify against the file (only `uploadId` when given);
   * `resume` or run() continues it. Returns why not otherwise.
   */
  adoptFromServer(request: AddUploadRequest, uploadId?: string): Promise<AdoptOutcome> {
    const objects = this.objectStoreFor({ ...request.target, targetId: request.targetId ?? null });
    const deps = { store: this.deps.store, source: this.deps.source, clock: this.deps.clock, objects };
    return adoptFromServer({ ...deps, expiryMs: (upload) => (this.options.expiryMsFor ? this.options.expiryMsFor(upload) : DEFAULT_EXPIRY_MS) }, request, uploadId);
  }

  /** Runs one upload to its end (completed, failed, conflict, paused, cancelled or stopped). */
  run(id: string): Promise<RunResult> {
    const host = (started: RunHost['started']): RunHost => ({
      store: this.deps.store,
      uploadSlots: this.uploadSlots,
      newJob: (record) => this.newJob(record),
      started,
      emit: (event) => this.emit(event),
    });
    return this.running.start(id, (signal, started) => runOneJob(host(started), id, signal), () => this.markDirty(id));
  }

  /**
   * Runs every unfinished upload but a folder's files (its folder runs them); paused ones only when asked to. One in
   * conflict waits for the user; with skipFailedForGood, so does one whose last failure was permanent (a missing bucket,
   * wrong credentials: see run-end.ts), as at the app's start, where nobody asked.
   */
  resumeAll(options: { includePaused: boolean; skipFailedForGood?: boolean }): Promise<RunResult[]> {
    const { store } = this.deps;
    const ids = store
      .listUnfinished()
      .filter((upload) => upload.folderId === null && upload.conflict === null && (options.includePaused || upload.state !== 'paused'))
      .filter((upload) => !(options.skipFailedForGood && upload.state === 'failed' && failedForGood(store, upload.id)))
      .map((upload) => upload.id);
    return Promise.all(ids.map((id) => this.run(id)));
  }

  /** "Resume all" in the app: every unfinished upload not in conflict, paused ones included. */
  resumeAllRunnable(): Promise<RunResult[]> {
    return this.resumeAll({ includePaused: true });
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  async pause(id: string): Promise<void> {
    if (await this.running.stop(id, new StoppedError('paused'))) return;
    const upload = this.deps.store.getUpload(id);
    if (upload && upload.state !== 'completed' && upload.state !== 'cancelled') this.deps.store.setState(id, 'paused');
    this.markDirty(id);
  }

  /** Pauses every running upload and every one waiting to run, so none starts until resumed. */
  async pauseAll(): Promise<void> {
    const ids = new Set(this.running.ids());
    for (const upload of this.deps.store.listUnfinished()) {
      if (upload.state === 'queued' || upload.state === 'uploading') ids.add(upload.id);
    }
    await Promise.all([...ids].map((id) => this.pause(id)));
  }

  /**
   * Stops the upload, aborts the multipart upload on the server (so it costs
   * nothing there) and forgets it locally. If the server cannot be reached the
   * state is kept and the error thrown: nothing is forgotten that still exists.
   */
  async cancel(id: string): Promise<void> {
    await this.running.stop(id, new StoppedError('cancelled'));
    const upload = this.deps.store.getUpload(id);
    if (!upload) throw new Error(`no upload with id ${id}`);
    await abortOnServer(this.objectStoreFor(upload), upload, this.options.retryPolicy, this.deps.clock);
    this.deps.store.recordEvent({ uploadRecordId: id, kind: 'cancelled', message: 'cancelled' });
    this.deps.store.deleteUpload(id);
    this.emit({ type: 'removed', ids: [id] });
  }

  /** Forgets an upload locally without touching the server: one that never reached it, or finished ones being cleared. */
  forget(id: string): void {
    if (this.running.has(id)) throw new Error(`upload ${id} is running; pause or cancel it first`);
    this.deps.store.deleteUpload(id);
    this.emit({ type: 'removed', ids: [id] });
  }

  /** The user's answer to a changed source, or to another writer's object at the key (see changes/resolve-conflict.ts). */
  resolveConflict(id: string, choice: ConflictChoice): Promise<UploadRecord | undefined> {
    const host: ConflictHost = {
      store: this.deps.store,
      clock: this.deps.clock,
      retryPolicy: this.options.retryPolicy,
      isRunning: (running) => this.running.has(running),
      sourceFor: (kind) => this.sourceFor(kind),
      objectStoreFor: (upload) => this.objectStoreFor(upload),
      cancel: (cancelled) => this.cancel(cancelled),
      markDirty: (dirty) => this.markDirty(dirty),
    };
    return resolveConflict(host, id, choice);
  }

  /** Takes effect as parts finish: parts in flight are never cut to shrink. */
  setConcurrency(concurrency: number): void {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`invalid concurrency ${concurrency}`);
    this.options.concurrency = concurrency;
    this.options.maxActiveUploads = concurrency;
    this.partSlots.resize(concurrency);
    this.partBuffers.setLimit(concurrency);
    this.uploadSlots.resize(concurrency);
  }

  /** The part buffers of every upload together: held now (in use and idle) and made since start (tests, benchmarks). */
  partBufferStats(): { held: number; allocated: number } {
    return { held: this.partBuffers.held, allocated: this.partBuffers.allocated };
  }

  /** What a folder's small files, sent outside any upload job, share with every upload: the part slots and buffers, the hasher, the bandwidth limit, the retry policy. */
  sendingShare(): SendingShare {
    const { partSlots: pool, bandwidth, options } = this;
    return {
      pool,
      throttle: (bytes, signal) => bandwidth.take(bytes, signal),
      chunkBytes: () => bandwidth.stepBytes(),
      retryPolicy: options.retryPolicy,
      defaultPartSize: options.defaultPartSize,
      buffers: this.partBuffers,
      hasher: this.deps.hasher ?? inlineHasher,
    };
  }

  /** Bytes per second over all uploads, 0 for none; applies to parts already in flight too. */
  setBandwidthLimit(bytesPerSecond: number): void {
    this.bandwidth.setRate(bytesPerSecond);
    this.options.bandwidthLimit = bytesPerSecond;
  }

  /** Stops starting parts, aborts those in flight (they go back to pending) and waits. */
  async shutdown(): Promise<void> {
    await this.running.stopAll(new StoppedError('shutdown'));
    this.events.stop();
  }

  /** Removes finished uploads older than the retention period; returns how many. */
  pruneHistory(): number {
    const ids = pruneFinished(this.deps.store, this.deps.clock.now() - this.options.retentionMs);
    if (ids.length > 0) this.emit({ type: 'removed', ids });
    return ids.length;
  }

  /** Every upload but a folder's files (see folders/), or the ones asked for. */
  snapshot(ids?: readonly string[]): UploadView[] {
    return snapshotUploads(this.deps.store, ids, (id) => {
      const live = this.running.live(id);
      return live ? { progress: live.job.progress(), speed: live.meter?.bytesPerSecond() ?? 0, retrying: live.job.retrying() } : undefined;
    });
  }

  /** A target's endpoint or credentials changed: make new S3 clients from now on. */
  targetsChanged(): void {
    this.objectStores.clear();
  }

  /** The object store of a target (one client per target, shared with the uploads to it). */
  objectStoreFor(target: TargetConfig & { targetId: string | null }): ObjectStore {
    return this.objectStores.for(target);
  }

  /** How an upload's path is read. */
  sourceFor(kind: SourceKind): ByteSource {
    if (kind === 'file') return this.deps.source;
    if (!this.deps.archives) throw new SourceError('not-a-file', 'sending a folder as one archive is not available here');
    return this.deps.archives;
  }

  private expiresAtFor(upload: UploadRecord): number | null {
    const ms = this.options.expiryMsFor ? this.options.expiryMsFor(upload) : DEFAULT_EXPIRY_MS;
    return ms === null ? null : this.deps.clock.now() + ms;
  }

  private newJob(record: UploadRecord): UploadJob {
    const objects = this.objectStoreFor(record);
    return new UploadJob(record, {
      store: this.deps.store,
      objects,
      source: this.sourceFor(record.sourceKind),
      clock: this.deps.clock,
      hasher: this.deps.hasher ?? inlineHasher,
      pool: this.partSlots,
      buffers: this.partBuffers,
      retryPolicy: this.options.retryPolicy,
      verify: this.options.verify,
      rolloverWindowMs: this.options.rolloverWindowMs,
      capabilities: (upload, retry) => this.capabilities.for(upload, objects, retry),
      expiresAt: (upload) => this.expiresAtFor(upload),
      throttle: (bytes, signal) => this.bandwidth.take(bytes, signal),
      chunkBytes: () => this.bandwidth.stepBytes(),
      onChange: (changed) => this.markDirty(changed),
      log: (changed, message) => this.emit({ type: 'log', id: changed, message }),
    });
  }

  private markDirty(id: string): void {
    this.events.markDirty(id);
  }

  private emit(event: EngineEvent): void {
    this.events.emit(event);
  }

  private progressEvent(ids: string[]): Extract<EngineEvent, { type: 'progress' }> {
    const now = this.deps.clock.now();
    for (const id of ids) {
      const live = this.running.live(id);
      if (live) live.meter?.sample(now, live.job.bytesSent);
    }
    return { type: 'progress', uploads: this.snapshot(ids) };
  }
}
