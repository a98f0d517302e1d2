import type { EventName, EventPayload, FolderView, UploadView } from '../../shared/ipc-contract.ts';
import type { DifferingChoice, FolderChangeChoice, FolderRequest, FolderResult, FolderUploads } from '../engine/folders/folder-uploads.ts';
import type { FolderRecord } from '../engine/ports/folder-store.ts';
import type { UploadStore } from '../engine/ports/state-store.ts';
import type { UploadEngine } from '../engine/upload-engine.ts';
import { announceFolderEnd } from './folder-end.ts';
import { buildFolderView, FolderLiveFigures } from './folder-view.ts';

/** How often a running folder's row is refreshed, at most. */
const POLL_MS = 500;
/**
 * Counting a folder's files by state reads all its rows (about 150 ms for
 * 100,000 files): the refresh waits this many times as long as the last one
 * took, so it never takes more than a tenth of the process's time.
 */
const POLL_COST_FACTOR = 10;

export interface AppFoldersDeps {
  folders: FolderUploads;
  /** To stop a folder's big files (uploads of the engine) when the folder stops. */
  engine: Pick<UploadEngine, 'pause' | 'isRunning'>;
  /** To tell a folder's big files (uploads of their own) from the uploads the queue shows. */
  store: Pick<UploadStore, 'getUpload'>;
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  /** A desktop notification, when the user wants them. */
  notify: (title: string, body: string) => void;
  log: (message: string) => void;
  now?: () => number;
  pollMs?: number;
}

const finished = (folder: FolderRecord) => folder.state === 'completed' || folder.state === 'cancelled';

/**
 * Folders sent as one object per file, as the app runs and shows them: one
 * queue row per folder. The engine's FolderUploads records and runs them;
 * this starts runs in the background, refreshes the rows of running folders
 * every half second (folders.changed, only rows that changed), and says how
 * each run ended (a notice, a notification).
 */
export class AppFolders {
  private readonly live = new FolderLiveFigures();
  /** Folders whose row may change: running, or just stopped and not shown so yet. */
  private readonly watching = new Set<string>();
  /** The last row sent for each folder, to send only rows that changed. */
  private readonly lastSent = new Map<string, string>();
  /** Upload id → its folder's id (null for an upload of its own): fixed for an upload's life. */
  private readonly folderOf = new Map<string, string | null>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(private readonly deps: AppFoldersDeps) {
    // A folder starting or ending a wait before retrying is shown at once, not at the next poll.
    deps.folders.onRetryChange((id) => this.watch(id));
  }

  get engine(): FolderUploads {
    return this.deps.folders;
  }

  add(request: FolderRequest): Promise<{ folder: FolderRecord; continued: boolean }> {
    return this.deps.folders.addFolder(request);
  }

  get(id: string): FolderRecord | undefined {
    return this.deps.folders.store.getFolder(id);
  }

  /** Runs the folder in the background (joining a run already going); its progress arrives as events, its end as a notice. */
  start(id: string, onChange: FolderChangeChoice = 'fail'): void {
    if (this.closed || this.deps.folders.isRunning(id)) return;
    const run = this.deps.folders.run(id, onChange);
    this.watch(id);
    run.then(
      (result) => this.ended(result),
      (error: unknown) => {
        this.deps.log(`folder ${id}: ${String(error)}`);
        this.watch(id);
      },
    );
  }

  /** At app start (and after sleep or a network change): every unfinished folder but paused ones and those waiting for a choice about changed or differing files. */
  resumeUnfinished(): void {
    for (const folder of this.deps.folders.unfinished()) {
      if (folder.state === 'paused' || folder.state === 'asking') continue;
      if (folder.state === 'failed' && this.deps.folders.store.folderTotals(folder.id).changed.files > 0) continue;
      this.start(folder.id);
    }
  }

  /** "Resume all": every unfinished folder, paused ones included. */
  resumeAll(): void {
    for (const folder of this.deps.folders.unfinished()) this.start(folder.id);
  }

  /** "Retry all failed": every failed folder but those waiting for a choice about changed files; answers how many were started. */
  retryFailed(): number {
    let started = 0;
    for (const folder of this.deps.folders.unfinished()) {
      if (folder.state !== 'failed' || this.deps.folders.isRunning(folder.id)) continue;
      if (this.deps.folders.store.folderTotals(folder.id).changed.files > 0) continue;
      this.start(folder.id);
      started += 1;
    }
    return started;
  }

  /** "Pause all": every folder running or waiting to run. */
  async pauseAll(): Promise<void> {
    const waiting = this.deps.folders.unfinished().filter((folder) => folder.state === 'walking' || folder.state === 'sending' || this.deps.folders.isRunning(folder.id));
    await Promise.all(waiting.map((folder) => this.pause(folder.id)));
  }

  async pause(id: string): Promise<void> {
    await this.stopping(id, this.deps.folders.pause(id));
    this.watch(id);
  }

  /**
   * The user's choice for the folder's files whose keys hold different
   * objects, then the folder runs again to send the ones to overwrite (or to
   * end completed). A run going on is left alone (files still differing
   * are not its business) and the folder runs again once it ends, unless it
   * was stopped.
   */
  settleDiffering(id: string, choice: DifferingChoice): number {
    const files = this.deps.folders.settleDiffering(id, choice);
    if (!this.deps.folders.isRunning(id)) {
      this.start(id);
    } else {
      void this.deps.folders.run(id).then(
        (result) => result.outcome !== 'stopped' && this.start(id),
        () => undefined,
      );
    }
    return files;
  }

  /** Stops it, aborts its big files' multipart uploads on the server and forgets it (objects already sent stay). */
  async cancel(id: string): Promise<void> {
    await this.stopping(id, this.deps.folders.pause(id));
    await this.deps.folders.cancel(id);
    this.forget([id]);
  }

  /** Forgets completed folders (their objects stay); returns how many. */
  clearFinished(): number {
    const ids = this.deps.folders.store
      .listFolders()
      .filter((folder) => finished(folder) && !this.deps.folders.isRunning(folder.id))
      .map((folder) => folder.id);
    for (const id of ids) this.deps.folders.store.deleteFolder(id);
    this.forget(ids);
    return ids.length;
  }

  /** Whether any folder is running now (keeps the system from suspending). */
  anyRunning(): boolean {
    return this.deps.folders.store.listFolders().some((folder) => this.deps.folders.isRunning(folder.id));
  }

  /** Unfinished folders going to a target. */
  unfinishedFor(targetId: string): number {
    return this.deps.folders.unfinished().filter((folder) => folder.targetId === targetId).length;
  }

  views(): FolderView[] {
    return this.deps.folders.store
      .listFolders()
      .map((folder) => this.view(folder.id))
      .filter((view): view is FolderView => view !== undefined);
  }

  view(id: string): FolderView | undefined {
    const store = this.deps.folders.store;
    const folder = store.getFolder(id);
    if (!folder) return undefined;
    const totals = store.folderTotals(id);
    const running = this.deps.folders.isRunning(id);
    const bytesInFlight = this.live.inFlight(id, (relPath) => store.getFolderFile(id, relPath)?.state === 'sending');
    if (!running) this.live.stopped(id);
    const speed = running ? this.live.speed(id, (this.deps.now ?? Date.now)(), totals.done.bytes + bytesInFlight) : 0;
    const retrying = running ? this.deps.folders.retrying(id) : undefined;
    return buildFolderView(folder, totals, { running, bytesInFlight, bytesSent: this.deps.folders.bytesSent(id), speed, retrying });
  }

  /**
   * The engine's progress, split: rows of a folder's big files feed their
   * folder's figures (the queue shows the folder, not them); the uploads of
   * their own are returned.
   */
  ownUploads(uploads: readonly UploadView[]): UploadView[] {
    const own: UploadView[] = [];
    for (const upload of uploads) {
      const folderId = this.folderIdOf(upload.id);
      if (folderId === null) {
        own.push(upload);
        continue;
      }
      const folder = this.get(folderId);
      if (folder && upload.key.startsWith(folder.prefix)) this.live.fileProgress(upload.id, folderId, upload.key.slice(folder.prefix.length), upload.bytesDone + upload.bytesInFlight);
    }
    return own;
  }

  /** A big file of a folder: its folder reports on it, not the queue. */
  isFolderFile(uploadId: string): boolean {
    return this.folderIdOf(uploadId) !== null;
  }

  /** Stops every folder run (their files on the way stay recorded: the next start settles them). */
  async shutdown(): Promise<void> {
    this.closed = true;
    this.stopTimer();
    const running = this.deps.folders.store.listFolders().filter((folder) => this.deps.folders.isRunning(folder.id));
    const stop = this.deps.folders.shutdown();
    await Promise.all(running.map((folder) => this.stopping(folder.id, stop)));
  }

  /**
   * A folder run being stopped (its abort is given as the stop starts) waits
   * for the big file it is sending, an upload of the engine that its stop
   * does not reach: that upload is paused too, or the stop would wait until
   * the whole file is sent. It continues from its parts at the next run.
   */
  private async stopping(id: string, stop: Promise<void>): Promise<void> {
    const uploads = this.deps.folders.store
      .listFolderFiles(id, ['sending'], null, 1000)
      .map((file) => file.uploadRecordId)
      .filter((upload): upload is string => upload !== null && this.deps.engine.isRunning(upload));
    await Promise.all(uploads.map((upload) => this.deps.engine.pause(upload)));
    await stop;
  }

  private folderIdOf(uploadId: string): string | null {
    const known = this.folderOf.get(uploadId);
    if (known !== undefined) return known;
    const record = this.deps.store.getUpload(uploadId);
    if (!record) return null;
    this.folderOf.set(uploadId, record.folderId);
    return record.folderId;
  }

  private forget(ids: readonly string[]): void {
    if (ids.length === 0) return;
    for (const id of ids) {
      this.watching.delete(id);
      this.lastSent.delete(id);
      this.live.forget(id);
    }
    this.deps.emit('folders.removed', { ids: [...ids] });
  }

  /** Shows the folder's row now, and every half second while it runs. */
  private watch(id: string): void {
    if (this.closed) return;
    this.watching.add(id);
    this.tick();
  }

  private tick(): void {
    const started = performance.now();
    const changed: FolderView[] = [];
    try {
      for (const id of [...this.watching]) {
        const view = this.view(id);
        if (!view?.running) this.watching.delete(id);
        if (!view) continue;
        const text = JSON.stringify(view);
        if (text === this.lastSent.get(id)) continue;
        this.lastSent.set(id, text);
        changed.push(view);
      }
    } catch (error) {
      // The state database closing under a last tick at shutdown, or a read that failed: the next tick tries again.
      this.deps.log(`folder progress: ${String(error)}`);
    }
    if (changed.length > 0) this.deps.emit('folders.changed', { folders: changed });
    this.stopTimer();
    if (this.watching.size === 0 || this.closed) return;
    const delay = Math.max(this.deps.pollMs ?? POLL_MS, (performance.now() - started) * POLL_COST_FACTOR);
    this.timer = setTimeout(() => this.tick(), delay);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private ended(result: FolderResult): void {
    this.watch(result.id);
    const folder = this.get(result.id);
    if (folder) announceFolderEnd(result, folder, this.deps);
  }
}
