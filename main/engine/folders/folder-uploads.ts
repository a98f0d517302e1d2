import { randomBytes } from 'node:crypto';
import { locationProblem } from '../../../shared/domain/s3-url.ts';
import { PartPlanError } from '../../../shared/domain/part-plan.ts';
import type { RunResult } from '../engine-options.ts';
import { StoppedError } from '../errors.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { FolderLister } from '../ports/folder-lister.ts';
import type { FolderRecord, FolderStore, FolderTotals, IfExists } from '../ports/folder-store.ts';
import type { TargetConfig } from '../ports/records.ts';
import type { CapabilityStore } from '../ports/state-store.ts';
import type { UploadEngine } from '../upload-engine.ts';
import { settleDifferingFiles } from './differing-files.ts';
import type { DifferingChoice } from './differing-files.ts';
import { runFolderJob } from './folder-job.ts';
import type { FolderResult } from './folder-job.ts';
import type { RetryWait } from '../sending/retry-watch.ts';

export type { FolderResult } from './folder-job.ts';
export type { DifferingChoice } from './differing-files.ts';

export interface FolderRequest {
  /** The folder, absolute. */
  path: string;
  bucket: string;
  /** Each file's key is this prefix followed by its path inside the folder ('/'-separated). */
  prefix: string;
  target: TargetConfig;
  targetId?: string;
  partSize?: number;
  ifExists: IfExists;
}

export interface FolderUploadsDeps {
  engine: UploadEngine;
  folders: FolderStore;
  capabilities: CapabilityStore;
  lister: FolderLister;
  source: ByteSource;
  clock: Clock;
  log: (folderId: string, message: string) => void;
}

/** What the user chose for files that changed: 'fail' reports them; 'restart' and 'reuse' send them again. */
export type FolderChangeChoice = 'fail' | 'restart' | 'reuse';

/**
 * Folders sent as one object per file, beside the engine's single uploads:
 * recorded at once (the add returns before the walk), then run as one job
 * each that walks, lists the prefix once and sends (see folder-job.ts). A
 * folder's big files are uploads of the engine, run by the folder.
 */
export class FolderUploads {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<FolderResult> }>();
  private readonly sent = new Map<string, number>();
  /** The wait before a running folder's next attempt at a failed request, by folder id. */
  private readonly waits = new Map<string, RetryWait>();
  private readonly retryListeners = new Set<(id: string) => void>();

  constructor(private readonly deps: FolderUploadsDeps) {}

  /** Records the folder upload, or finds the unfinished one of the same folder to the same place. Nothing is walked yet. */
  async addFolder(request: FolderRequest): Promise<{ folder: FolderRecord; continued: boolean }> {
    await this.deps.lister.check(request.path);
    const problem = locationProblem({ bucket: request.bucket, key: request.prefix || 'x' });
    if (problem) throw new PartPlanError(problem);
    const existing = this.deps.folders.findUnfinishedFolder(request.path, request.bucket, request.prefix, request.target.endpoint);
    if (existing) return { folder: existing, continued: true };
    const folder = this.deps.folders.createFolder({
      id: randomBytes(6).toString('hex'),
      path: request.path,
      ...request.target,
      bucket: request.bucket,
      prefix: request.prefix,
      targetId: request.targetId ?? null,
      partSize: request.partSize ?? this.deps.engine.sendingShare().defaultPartSize,
      ifExists: request.ifExists,
      startedAt: this.deps.clock.now(),
    });
    return { folder, continued: false };
  }

  /** Runs the folder to its end; running it again while it runs joins that run. */
  run(id: string, onChange: FolderChangeChoice = 'fail'): Promise<FolderResult> {
    const already = this.running.get(id);
    if (already) return already.done;
    const folder = this.deps.folders.getFolder(id);
    if (!folder) return Promise.reject(new Error(`no folder upload with id ${id}`));
    const controller = new AbortController();
    const { engine } = this.deps;
    const objects = engine.objectStoreFor({ ...folder, targetId: folder.targetId });
    const done = runFolderJob(
      {
        ...this.deps,
        objects,
        share: engine.sendingShare(),
        addLargeFile: (request) => engine.addUpload(request),
        runUpload: async (uploadId) => {
          // A big file's upload runs in the engine: stopping the folder stops it too, or the folder would wait for it to finish.
          const stop = () => void engine.pause(uploadId);
          controller.signal.addEventListener('abort', stop, { once: true });
          try {
            const count = (result: RunResult) => (this.sent.set(id, (this.sent.get(id) ?? 0) + result.bytesSent), result);
            const first = count(await engine.run(uploadId));
            if (first.outcome !== 'conflict' || onChange === 'fail' || controller.signal.aborted) return first;
            await engine.resolveConflict(uploadId, onChange);
            return count(await engine.run(uploadId));
          } finally {
            controller.signal.removeEventListener('abort', stop);
          }
        },
        onProgress: (bytes) => this.sent.set(id, (this.sent.get(id) ?? 0) + bytes),
        log: (message) => this.deps.log(id, message),
        onRetrying: (wait) => this.retryChanged(id, wait),
      },
      folder,
      { resendChanged: onChange !== 'fail' },
      controller.signal,
    ).finally(() => {
      this.running.delete(id);
      if (this.waits.has(id)) this.retryChanged(id, undefined);
    });
    this.running.set(id, { controller, done });
    return done;
  }

  /**
   * The user's choice for the folder's files whose keys hold different
   * objects (if-exists 'ask'): overwrite exactly the objects they were shown,
   * or keep the server's. Returns how many files it applied to; the folder's
   * next run sends the ones to overwrite.
   */
  settleDiffering(id: string, choice: DifferingChoice): number {
    const folder = this.deps.folders.getFolder(id);
    if (!folder) throw new Error(`no folder upload with id ${id}`);
    return settleDifferingFiles(this.deps.folders, folder, choice);
  }

  /** The folders' records, for reports that page through a folder's files. */
  get store(): FolderStore {
    return this.deps.folders;
  }

  /** Every folder upload not completed or cancelled. */
  unfinished(): FolderRecord[] {
    return this.deps.folders.listFolders().filter((folder) => folder.state !== 'completed' && folder.state !== 'cancelled');
  }

  resumeAll(onChange: FolderChangeChoice = 'fail'): Promise<FolderResult[]> {
    return Promise.all(this.unfinished().map((folder) => this.run(folder.id, onChange)));
  }

  /** Body bytes this process sent for the folder's small files (its big files count as their uploads). */
  bytesSent(id: string): number {
    return this.sent.get(id) ?? 0;
  }

  views(): Array<{ folder: FolderRecord; totals: FolderTotals; running: boolean }> {
    return this.deps.folders.listFolders().map((folder) => ({ folder, totals: this.deps.folders.folderTotals(folder.id), running: this.running.has(folder.id) }));
  }

  /** The retry the running folder waits for, if any: when, why, which of how many. */
  retrying(id: string): RetryWait | undefined {
    return this.waits.get(id);
  }

  /** Calls the listener with the folder's id each time it starts or stops waiting to retry. */
  onRetryChange(listener: (id: string) => void): void {
    this.retryListeners.add(listener);
  }

  isRunning(id: string): boolean {
    return this.running.has(id);
  }

  /** Stops the folder's run and marks it paused (files on their way stay recorded as sending: the next run settles them). */
  async pause(id: string): Promise<void> {
    const run = this.running.get(id);
    if (run) {
      run.controller.abort(new StoppedError('paused'));
      await run.done.catch(() => undefined);
    }
    for (const upload of this.childUploads(id)) await this.deps.engine.pause(upload);
    if (this.deps.folders.getFolder(id)) this.deps.folders.setFolderState(id, 'paused');
  }

  /**
   * Stops the folder, aborts its big files' multipart uploads on the server
   * (so they cost nothing there) and forgets it. Objects already sent stay.
   * If the server cannot be reached, the error is thrown and the folder kept.
   */
  async cancel(id: string): Promise<void> {
    await this.pause(id);
    for (const upload of this.childUploads(id)) await this.deps.engine.cancel(upload);
    this.deps.folders.deleteFolder(id);
  }

  private retryChanged(id: string, wait: RetryWait | undefined): void {
    if (wait) this.waits.set(id, wait);
    else this.waits.delete(id);
    for (const listener of this.retryListeners) listener(id);
  }

  /** The upload records of the folder's big files (sent in parts). */
  private childUploads(id: string): string[] {
    const ids: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = this.deps.folders.listFolderFiles(id, ['pending', 'sending', 'failed', 'changed'], after, 500);
      if (page.length === 0) return ids;
      after = page[page.length - 1]?.relPath ?? after;
      for (const file of page) if (file.uploadRecordId !== null && this.deps.engine.snapshot([file.uploadRecordId]).length > 0) ids.push(file.uploadRecordId);
    }
  }

  /** Stops every folder run (files on their way stay recorded as sending: the next run settles them) and waits. */
  async shutdown(): Promise<void> {
    const runs = [...this.running.values()];
    for (const run of runs) run.controller.abort(new StoppedError('shutdown'));
    await Promise.allSettled(runs.map((run) => run.done));
  }
}
