import { basename } from 'node:path';
import { DEFAULT_SETTINGS, SettingsSchema, TargetSchema } from '../../shared/ipc-contract.ts';
import type { EventName, EventPayload, Settings, Target, TargetView, UploadView } from '../../shared/ipc-contract.ts';
import { isExpiringSoon } from '../../shared/domain/tray-view.ts';
import { MiB } from '../../shared/domain/units.ts';
import type { UploadEngine, RunResult } from '../engine/upload-engine.ts';
import type { FolderUploads } from '../engine/folders/folder-uploads.ts';
import type { TargetConfig } from '../engine/ports/records.ts';
import type { StateStore } from '../engine/ports/state-store.ts';
import type { SqliteAppConfigStore } from '../store/app-config-store.ts';
import { AppFolders } from './app-folders.ts';
import { followTarget } from './follow-target.ts';
import { dispatchRequest } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';
import { createHandlers } from './request-handlers.ts';
import type { HostCapabilities } from './host-capabilities.ts';

/** How often expiry warnings are looked for. */
const EXPIRY_CHECK_MS = 10 * 60_000;
/** How often uploads stopped by a full disk are tried again. */
const SPACE_RETRY_MS = 60_000;

export type AppEventListener = <E extends EventName>(name: E, payload: EventPayload<E>) => void;

export interface HoistAppDeps {
  engine: UploadEngine;
  /** Folders sent as one object per file (beside the engine's single uploads). */
  folders: FolderUploads;
  store: StateStore;
  config: SqliteAppConfigStore;
  host: HostCapabilities;
  /** Where the state database lives: never uploaded for a window's request. */
  stateDir?: string;
}

/**
 * The desktop app's logic, host-neutral: the Electron shell and the headless
 * web bridge both hand it requests (validated against the contract by
 * dispatch) and forward its events. It owns settings and targets, turns
 * engine events into UI events and notices, and starts uploads and folders.
 */
export class HoistApp {
  readonly handlers: RequestHandlers;
  /** Folders as the queue shows them: one row each (see app-folders.ts). */
  readonly folders: AppFolders;
  private readonly listeners = new Set<AppEventListener>();
  private readonly unsubscribeEngine: () => void;
  /** Uploads whose missing source was already announced by a notification. */
  private readonly missingNotified = new Set<string>();
  /** "id@expiresAt" of expiry warnings already given: a renewed upload gets a new date, and a new warning when that nears. */
  private readonly expiryNotified = new Set<string>();
  private readonly expiryTimer: ReturnType<typeof setInterval>;
  /** Uploads stopped by a full disk under the state database: tried again now and then, so they go on once there is space. */
  private readonly waitingForSpace = new Set<string>();
  private readonly spaceTimer: ReturnType<typeof setInterval>;
  /** Notices about how this start went (a damaged state database replaced): every UI that connects later is told too. */
  private readonly startNotices: Array<EventPayload<'notice'>> = [];

  constructor(readonly deps: HoistAppDeps) {
    this.folders = new AppFolders({
      folders: deps.folders,
      engine: deps.engine,
      store: deps.store,
      emit: (name, payload) => this.emit(name, payload),
      notify: (title, body) => {
        if (this.settings().notifications) this.deps.host.notify?.(title, body);
      },
      log: deps.host.log,
    });
    this.handlers = createHandlers(this);
    this.unsubscribeEngine = deps.engine.on((event) => {
      if (event.type === 'progress') {
        // A folder's big files are uploads too: their progress goes to their folder's row, not rows of their own.
        const uploads = this.folders.ownUploads(event.uploads);
        if (uploads.length > 0) this.emit('uploads.changed', { uploads });
      } else if (event.type === 'removed') this.emit('uploads.removed', { ids: event.ids });
      else if (event.type === 'finished') {
        if (this.folders.isFolderFile(event.result.id)) return;
        this.reportFinished(event.result);
        this.warnOfExpiry();
      }
    });
    // Uploads left paused or failed for days approach their expiry with nothing else happening.
    this.expiryTimer = setInterval(() => this.warnOfExpiry(), EXPIRY_CHECK_MS);
    this.expiryTimer.unref?.();
    this.spaceTimer = setInterval(() => this.retryWaitingForSpace(), SPACE_RETRY_MS);
    this.spaceTimer.unref?.();
  }

  /** Runs again the uploads a full disk stopped; one that still finds no space stops again at its first write. */
  retryWaitingForSpace(): void {
    const ids = [...this.waitingForSpace];
    this.waitingForSpace.clear();
    for (const id of ids) this.start(id);
  }

  /**
   * Warns once per upload (and expiry date) when the server will discard it
   * within the warning threshold: a notice for the UI and a notification.
   * The banner and the tray show the same from the upload list.
   */
  warnOfExpiry(now = Date.now()): void {
    const options = { now, expiryWarningHours: this.settings().expiryWarningHours };
    for (const view of this.views()) {
      if (!isExpiringSoon(view, options)) continue;
      const key = `${view.id}@${view.expiresAt}`;
      if (this.expiryNotified.has(key)) continue;
      this.expiryNotified.add(key);
      // This process runs in the user's locale (the UI shows its own wording of the notice from the row: about 'expiry').
      const at = view.expiresAt ? new Date(view.expiresAt).toLocaleString() : 'soon';
      const message = `${basename(view.path)}: the server will discard the unfinished upload at ${at}; let it finish before then`;
      this.emit('notice', { level: 'warning', uploadId: view.id, about: 'expiry', message });
      if (this.settings().notifications) this.deps.host.notify?.('Upload expiring', message);
    }
  }

  dispatch(name: unknown, payload: unknown) {
    return dispatchRequest(this.handlers, name, payload, this.deps.host.log);
  }

  on(listener: AppEventListener): () => void {
    this.listeners.add(listener);
    for (const notice of this.startNotices) listener('notice', notice);
    return () => this.listeners.delete(listener);
  }

  /** Notices about this start (a damaged state database moved aside, …), for a UI that loads after they were sent. */
  noticesAtStart(): ReadonlyArray<EventPayload<'notice'>> {
    return this.startNotices;
  }

  /** A notice about this start, also logged: it is given to the UIs connected now and to every one that connects later. */
  noticeAtStart(notice: EventPayload<'notice'>): void {
    this.deps.host.log(notice.message);
    this.startNotices.push(notice);
    this.emit('notice', notice);
  }

  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    for (const listener of this.listeners) listener(name, payload);
  }

  views(): UploadView[] {
    return this.deps.engine.snapshot();
  }

  settings(): Settings {
    const parsed = SettingsSchema.safeParse({ ...DEFAULT_SETTINGS, ...this.deps.config.getSettings() });
    return parsed.success ? parsed.data : DEFAULT_SETTINGS;
  }

  async updateSettings(patch: Partial<Settings>): Promise<Settings> {
    const next = SettingsSchema.parse({ ...this.settings(), ...patch });
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) this.deps.config.setSetting(key, value);
    this.applySettings(next);
    if (patch.startAtLogin !== undefined) await this.deps.host.setStartAtLogin?.(next.startAtLogin);
    return next;
  }

  applySettings(settings: Settings = this.settings()): void {
    this.deps.engine.setConcurrency(settings.concurrency);
    this.deps.engine.setBandwidthLimit(settings.bandwidthLimitKiBps * 1024);
  }

  targets(): Target[] {
    const targets: Target[] = [];
    for (const raw of this.deps.config.listTargets()) {
      const parsed = TargetSchema.safeParse(raw);
      if (parsed.success) targets.push(parsed.data);
      else this.deps.host.log(`ignoring a stored target that no longer validates: ${parsed.error.message}`);
    }
    return targets;
  }

  target(id: string | null | undefined): Target | undefined {
    return id ? this.targets().find((target) => target.id === id) : undefined;
  }

  targetView(target: Target): TargetView {
    return { ...target, hasSecret: target.credentials.kind === 'keys' && this.deps.host.secrets.get(target.id) !== undefined };
  }

  /** What the engine needs to reach a target's server; an empty endpoint means AWS itself. */
  targetConfig(target: Target): TargetConfig {
    return { endpoint: target.endpoint || undefined, region: target.region, pathStyle: target.pathStyle };
  }

  /** Object key for a file under a target: its prefix, then the name (or the path inside a dropped folder). */
  keyFor(target: Target, keySuffix: string): string {
    const prefix = target.keyPrefix && !target.keyPrefix.endsWith('/') ? `${target.keyPrefix}/` : target.keyPrefix;
    return `${prefix}${keySuffix}`;
  }

  defaultKeySuffix(path: string): string {
    return basename(path);
  }

  partSize(): number {
    return this.settings().partSizeMiB * MiB;
  }

  /**
   * Runs an upload in the background; its progress and end arrive as events.
   * One that has sent nothing yet goes where its target points now; one that
   * cannot move says why (follow-target.ts).
   */
  start(id: string): void {
    if (!this.deps.engine.isRunning(id)) this.follow(id, true);
    void this.deps.engine.run(id).catch((error: unknown) => this.deps.host.log(`upload ${id}: ${String(error)}`));
  }

  /**
   * At app start (and after sleep or a network change): every unfinished upload and folder that is not paused or
   * waiting for a choice; uploads whose last failure was permanent (a missing bucket, wrong credentials) wait for Retry.
   */
  resumeUnfinished(): void {
    for (const upload of this.deps.store.listUnfinished()) if (!this.deps.engine.isRunning(upload.id)) this.follow(upload.id, false);
    void this.deps.engine.resumeAll({ includePaused: false, skipFailedForGood: true }).catch((error: unknown) => this.deps.host.log(`resume: ${String(error)}`));
    this.folders.resumeUnfinished();
  }

  /** Points an upload that has sent nothing at its target's current place; `tell`: say so when it cannot move. */
  private follow(id: string, tell: boolean): void {
    const outcome = followTarget({ store: this.deps.store, target: (targetId) => this.target(targetId), targetConfig: (target) => this.targetConfig(target) }, id);
    if (outcome.kind === 'moved') this.deps.host.log(`upload ${id}: now to ${outcome.to}`);
    if (outcome.kind === 'stays' && tell) this.emit('notice', { level: 'warning', uploadId: id, message: outcome.why });
  }

  async shutdown(): Promise<void> {
    clearInterval(this.expiryTimer);
    clearInterval(this.spaceTimer);
    // Folders first: their big files are the engine's uploads, stopped with it after.
    await this.folders.shutdown();
    this.unsubscribeEngine();
    await this.deps.engine.shutdown();
  }

  private reportFinished(result: RunResult): void {
    const view = this.deps.engine.snapshot([result.id])[0];
    const name = view ? basename(view.path) : result.id;
    const notify = this.settings().notifications ? this.deps.host.notify : undefined;
    if (result.restarted) {
      this.emit('notice', { level: 'warning', uploadId: result.id, about: 'restarted', message: `${name}: the server had discarded the unfinished upload; it started again` });
    }
    if (view?.state !== 'missing') this.missingNotified.delete(result.id);
    if (result.waitingForSpace) this.waitingForSpace.add(result.id);
    if (result.outcome === 'completed') {
      notify?.('Upload complete', `${name} is in s3://${view?.bucket}/${view?.key}`);
    } else if (view?.state === 'missing') {
      this.emit('notice', { level: 'warning', uploadId: result.id, about: 'missing', message: `${name} is missing: put it back and retry, or cancel the upload` });
      // Every resume checks again; say it once, not at every login or reconnect.
      if (!this.missingNotified.has(result.id)) notify?.('File missing', `${name} is gone or unreadable; its upload waits`);
      this.missingNotified.add(result.id);
    } else if (result.outcome === 'failed') {
      this.emit('notice', { level: 'error', uploadId: result.id, about: 'failed', message: `${name}: ${result.error ?? 'failed'}` });
      notify?.('Upload failed', `${name}: ${result.error ?? 'failed'}`);
    } else if (result.outcome === 'conflict') {
      this.emit('notice', { level: 'warning', uploadId: result.id, about: 'conflict', message: `${name} changed since the upload started: choose what to do` });
      notify?.('File changed', `${name} changed since its upload started`);
    }
  }
}
