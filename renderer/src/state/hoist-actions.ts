// Everything the UI asks main to do. Each request goes through `request`, which
// turns a failed Envelope (or a bridge that threw) into a notice, so components
// never handle transport errors and the user always reads why something failed.
//
// Actions do not update uploads optimistically: main answers every change with
// an `uploads.changed` event, and showing only what main reported keeps the
// queue honest (a "paused" row really is paused).
import type {
  ConfirmationRequest,
  ConflictChoice,
  GrantedPath,
  HoistBridge,
  RequestInput,
  RequestName,
  RequestOutput,
  Settings,
  Target,
  TargetCheck,
  TargetView,
} from '../../../shared/ipc-contract.ts';
import { cleanMessage } from '../lib/format.ts';
import type { HoistStore } from './hoist-store.ts';
import { createFolderActions } from './folder-actions.ts';
import { createOrphanActions } from './orphan-actions.ts';

/** `uploads.add` accepts at most this many paths (the contract's .max(10_000)); more go in batches. */
const MAX_PATHS_PER_ADD = 10_000;
/** Rejections listed one by one in a notice; beyond this they are summarised. */
const REJECTIONS_LISTED = 3;

export type HoistActions = ReturnType<typeof createHoistActions>;

/** A saved target and what trying it found (see targets.save). */
export type SavedTarget = TargetView & { check?: TargetCheck };

export function createHoistActions(bridge: HoistBridge, store: HoistStore) {
  const notify = store.getState().addNotice;

  async function request<N extends RequestName>(
    name: N,
    input: RequestInput<N>,
    onConfirm?: (confirm: ConfirmationRequest) => void,
  ): Promise<RequestOutput<N> | undefined> {
    try {
      const envelope = await bridge.invoke(name, input);
      if (envelope.ok) {
        store.getState().setRefused(null);
        return envelope.value;
      }
      // Main wants the user's yes first: the caller asks them, not a notice.
      if (envelope.error.code === 'confirm-required' && envelope.error.confirm && onConfirm) onConfirm(envelope.error.confirm);
      // Refused for want of the right token: the whole page says so, not a notice over an empty window.
      else if (envelope.error.code === 'forbidden') store.getState().setRefused(cleanMessage(envelope.error.message));
      else notify({ level: 'error', message: cleanMessage(envelope.error.message) });
    } catch (error) {
      // A bridge should answer with envelopes, but a broken IPC channel throws;
      // show its message only, never a stack.
      notify({ level: 'error', message: cleanMessage(error instanceof Error ? error.message : String(error)) });
    }
    return undefined;
  }

  const ok = (value: unknown) => value !== undefined;

  async function refreshUploads(): Promise<void> {
    store.getState().beginListLoad();
    const rows = await request('uploads.list', {});
    if (rows) store.getState().applyList(rows);
  }

  async function refreshTargets(): Promise<void> {
    const targets = await request('targets.list', {});
    if (targets) store.getState().setTargets(targets);
  }

  async function refreshSettings(): Promise<void> {
    const settings = await request('settings.get', {});
    if (settings) store.getState().setSettings(settings);
  }

  const folderActions = createFolderActions(bridge, store, request);

  async function loadAll(): Promise<void> {
    const info = request('app.info', {}).then((value) => value && store.getState().setAppInfo(value));
    await Promise.all([info, refreshUploads(), folderActions.refreshFolders(), refreshTargets(), refreshSettings()]);
  }

  /** Typed paths (headless): main takes a full path there. */
  async function addPaths(paths: readonly string[]): Promise<boolean> {
    return addNamed([...new Set(paths.map((p) => p.trim()).filter(Boolean))], (slice) => ({ paths: slice }));
  }

  /** Files the user chose in the desktop app's dialog or dropped on it: named by the grants main issued, never by path. */
  async function addGranted(granted: readonly GrantedPath[]): Promise<boolean> {
    return addNamed([...new Set(granted.map((item) => item.grant))], (slice) => ({ grants: slice }));
  }

  async function addNamed(items: string[], named: (slice: string[]) => { paths: string[] } | { grants: string[] }): Promise<boolean> {
    if (items.length === 0) return false;
    const targetId = store.getState().selectedTargetId;
    if (!targetId) {
      notify({ level: 'warning', message: 'Choose where to upload first: add a target under Targets.' });
      return false;
    }
    const rejected: Array<{ path: string; reason: string }> = [];
    let allSent = true;
    for (let i = 0; i < items.length; i += MAX_PATHS_PER_ADD) {
      const result = await request('uploads.add', { ...named(items.slice(i, i + MAX_PATHS_PER_ADD)), targetId, folderMode: store.getState().folderMode });
      if (!result) allSent = false;
      else rejected.push(...result.rejected);
    }
    if (rejected.length > 0) notify({ level: 'warning', message: describeRejections(rejected) });
    return allSent && rejected.length === 0;
  }

  /** Files dropped on the window: only Electron can tell where they live (its preload reads the paths and main grants them). */
  async function addDropped(files: readonly File[]): Promise<void> {
    if (files.length === 0) return;
    if (!bridge.grantDroppedFiles) {
      notify({
        level: 'info',
        message: 'In headless mode a browser cannot tell Hoist where a dropped file lives: pick it with Browse…, or type its path on the server machine and press Add.',
      });
      return;
    }
    const answer = await bridge.grantDroppedFiles(files);
    if (!answer.ok) {
      notify({ level: 'error', message: cleanMessage(answer.error.message) });
      return;
    }
    if (answer.value.length === 0) {
      notify({ level: 'warning', message: 'Nothing to add: only files and folders from this computer can be dropped.' });
      return;
    }
    await addGranted(answer.value);
  }

  async function pickAndAdd(folders: boolean): Promise<void> {
    const picked = await request('dialog.pickPaths', { folders });
    if (picked && picked.length > 0) await addGranted(picked);
  }

  return {
    request,
    loadAll,
    refreshUploads,
    refreshTargets,
    refreshSettings,
    addPaths,
    addDropped,
    pickAndAdd,
    pause: async (id: string) => ok(await request('uploads.pause', { id })),
    resume: async (id: string) => ok(await request('uploads.resume', { id })),
    retry: async (id: string) => ok(await request('uploads.retry', { id })),
    cancel: async (id: string) => ok(await request('uploads.cancel', { id })),
    reveal: async (id: string) => ok(await request('uploads.reveal', { id })),
    resolveConflict: async (id: string, choice: ConflictChoice) => ok(await request('uploads.resolveConflict', { id, choice })),
    pauseAll: async () => ok(await request('uploads.pauseAll', {})),
    retryFailed: async () => {
      const started = await request('uploads.retryFailed', {});
      if (started && started.uploads + started.folders === 0) notify({ level: 'info', message: 'Nothing to retry: no upload has failed.' });
      return ok(started);
    },
    resumeAll: async () => ok(await request('uploads.resumeAll', {})),
    clearFinished: async () => ok(await request('uploads.clearFinished', {})),
    ...createOrphanActions(bridge, store),
    ...folderActions,

    /**
     * The secret travels only here, only when typed; main stores it and never
     * sends it back. A change main wants confirmed comes back as { confirm }:
     * its question for the user, and the code to send with the same change if they agree.
     */
    async saveTarget(target: Target, secretAccessKey?: string, confirmation?: string): Promise<SavedTarget | { confirm: ConfirmationRequest } | undefined> {
      let confirm: ConfirmationRequest | undefined;
      const input = { target, ...(secretAccessKey ? { secretAccessKey } : {}), ...(confirmation ? { confirmation } : {}) };
      const saved = await request('targets.save', input, (asked) => (confirm = asked));
      if (!saved) return confirm ? { confirm } : undefined;
      // The check belongs to this save, not to the target: the list keeps the target only.
      const { check, ...view } = saved;
      store.getState().upsertTarget(view);
      return check ? { ...view, check } : view;
    },

    async removeTarget(id: string): Promise<boolean> {
      const removed = ok(await request('targets.remove', { id }));
      if (removed) store.getState().forgetTarget(id);
      return removed;
    },

    async saveSettings(patch: Partial<Settings>): Promise<Settings | undefined> {
      const settings = await request('settings.set', patch);
      if (settings) store.getState().setSettings(settings);
      return settings;
    },
  };
}

function describeRejections(rejected: ReadonlyArray<{ path: string; reason: string }>): string {
  const listed = rejected.slice(0, REJECTIONS_LISTED).map((r) => `${r.path}: ${r.reason}`);
  const more = rejected.length - listed.length;
  const head = rejected.length === 1 ? 'Not added:' : `${rejected.length} paths were not added:`;
  return [head, ...listed, ...(more > 0 ? [`…and ${more} more.`] : [])].join('\n');
}
