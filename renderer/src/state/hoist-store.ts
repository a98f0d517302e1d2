// The UI's single source of truth. main owns every upload; this store only
// mirrors what main says (the initial `uploads.list`, then `uploads.changed` /
// `uploads.removed` events), so the UI never guesses a state main did not report.
//
// It is a vanilla zustand store (not a module-level hook) so each test, and
// each window, gets its own instance through React context.
import { createStore } from 'zustand/vanilla';
import type { StoreApi } from 'zustand/vanilla';
import type { AppInfo, FolderMode, NoticeAbout, OrphanView, Settings, TargetView, UploadView } from '../../../shared/ipc-contract.ts';
import { createFolderSlice } from './folder-slice.ts';
import type { FolderSlice } from './folder-slice.ts';

export type NoticeLevel = 'info' | 'warning' | 'error';

export interface Notice {
  id: number;
  level: NoticeLevel;
  message: string;
  uploadId?: string;
  /** The upload's state it describes: shown only while the upload is in it (see notices.tsx). */
  about?: NoticeAbout;
}

/** One target's list of unfinished multipart uploads on its server, as the Targets panel shows it. */
export interface OrphanList {
  /** A request about this list is in flight (listing, aborting, adopting). */
  busy: boolean;
  /** null until the first listing answered. */
  items: readonly OrphanView[] | null;
  /** The last failure, shown in the list it concerns rather than as a notice. */
  error: string | null;
  /** What the last action did. */
  status: string | null;
}

const NO_ORPHAN_LIST: OrphanList = { busy: false, items: null, error: null, status: null };

/** Older notices beyond this are dropped: they are news, not a log. */
const MAX_NOTICES = 8;

/** Folder rows live in their own slice (folder-slice.ts). */
export interface HoistState extends FolderSlice {
  /** Rows by id; replaced (never mutated) on change so selectors see new references. */
  uploads: ReadonlyMap<string, UploadView>;
  /** Queue order: as main listed them, then in order of first appearance. */
  order: readonly string[];
  /** False until the first `uploads.list` answered: "no uploads" must not flash while loading. */
  uploadsLoaded: boolean;
  targets: readonly TargetView[];
  selectedTargetId: string | null;
  /** How folders added next are sent. */
  folderMode: FolderMode;
  settings: Settings | null;
  appInfo: AppInfo | null;
  notices: readonly Notice[];
  /** Hoist refused this page (no token, or one from an earlier run): why, shown instead of an empty window; null while it answers. */
  refused: string | null;
  /** By target id; only targets whose list was opened. */
  orphans: ReadonlyMap<string, OrphanList>;

  /** Call before requesting `uploads.list`; events that arrive meanwhile are kept (see applyList). */
  beginListLoad(): void;
  applyList(rows: readonly UploadView[]): void;
  applyChanged(rows: readonly UploadView[]): void;
  applyRemoved(ids: readonly string[]): void;
  setTargets(targets: readonly TargetView[]): void;
  upsertTarget(target: TargetView): void;
  forgetTarget(id: string): void;
  selectTarget(id: string | null): void;
  setFolderMode(mode: FolderMode): void;
  setSettings(settings: Settings): void;
  setAppInfo(info: AppInfo): void;
  addNotice(notice: Omit<Notice, 'id'>): void;
  dismissNotice(id: number): void;
  setRefused(message: string | null): void;
  updateOrphans(targetId: string, patch: Partial<OrphanList>): void;
}

export type HoistStore = StoreApi<HoistState>;

const time = (iso: string) => Date.parse(iso) || 0;

export function createHoistStore(): HoistStore {
  // Bookkeeping for a list request in flight; not state anyone renders.
  let loading = false;
  const touchedWhileLoading = new Set<string>();
  const removedWhileLoading = new Set<string>();
  let nextNoticeId = 1;

  return createStore<HoistState>()((set, get) => ({
    ...createFolderSlice(set, get),
    uploads: new Map(),
    order: [],
    uploadsLoaded: false,
    targets: [],
    selectedTargetId: null,
    folderMode: 'files',
    settings: null,
    appInfo: null,
    notices: [],
    refused: null,
    orphans: new Map(),

    beginListLoad() {
      loading = true;
      touchedWhileLoading.clear();
      removedWhileLoading.clear();
    },

    applyList(rows) {
      // The list is a snapshot taken at some moment while the request was in
      // flight; events received meanwhile may be newer. Keep a row from an event
      // when it is newer than the snapshot's, keep rows that appeared after the
      // snapshot, drop rows removed meanwhile. Rows neither listed nor touched
      // are gone (e.g. removed while the event stream was down).
      const previous = get().uploads;
      const uploads = new Map<string, UploadView>();
      const order: string[] = [];
      for (const row of rows) {
        if (removedWhileLoading.has(row.id) || uploads.has(row.id)) continue;
        const seen = touchedWhileLoading.has(row.id) ? previous.get(row.id) : undefined;
        uploads.set(row.id, seen && time(seen.updatedAt) > time(row.updatedAt) ? seen : row);
        order.push(row.id);
      }
      for (const id of get().order) {
        const row = previous.get(id);
        if (row && !uploads.has(id) && touchedWhileLoading.has(id)) {
          uploads.set(id, row);
          order.push(id);
        }
      }
      loading = false;
      touchedWhileLoading.clear();
      removedWhileLoading.clear();
      set({ uploads, order, uploadsLoaded: true });
    },

    applyChanged(rows) {
      if (rows.length === 0) return;
      const { uploads: previous, order: previousOrder } = get();
      const uploads = new Map(previous);
      let order: string[] | null = null;
      for (const row of rows) {
        if (loading) touchedWhileLoading.add(row.id);
        if (!uploads.has(row.id)) (order ??= [...previousOrder]).push(row.id);
        uploads.set(row.id, row);
      }
      set(order ? { uploads, order } : { uploads });
    },

    applyRemoved(ids) {
      if (ids.length === 0) return;
      if (loading) for (const id of ids) removedWhileLoading.add(id);
      const gone = new Set(ids);
      const { uploads: previous, order } = get();
      if (!ids.some((id) => previous.has(id))) return;
      const uploads = new Map(previous);
      for (const id of ids) uploads.delete(id);
      set({ uploads, order: order.filter((id) => !gone.has(id)) });
    },

    setTargets(targets) {
      set({ targets, selectedTargetId: keepSelection(get().selectedTargetId, targets) });
    },

    upsertTarget(target) {
      const targets = get().targets.some((t) => t.id === target.id)
        ? get().targets.map((t) => (t.id === target.id ? target : t))
        : [...get().targets, target];
      set({ targets, selectedTargetId: get().selectedTargetId ?? target.id });
    },

    forgetTarget(id) {
      const targets = get().targets.filter((t) => t.id !== id);
      const orphans = new Map(get().orphans);
      orphans.delete(id);
      set({ targets, selectedTargetId: keepSelection(get().selectedTargetId, targets), orphans });
    },

    selectTarget(id) {
      set({ selectedTargetId: id });
    },

    setFolderMode(folderMode) {
      set({ folderMode });
    },

    setSettings(settings) {
      set({ settings });
    },

    setAppInfo(appInfo) {
      set({ appInfo });
    },

    addNotice(notice) {
      // The same message again (a retry that failed the same way) moves to the
      // end instead of stacking copies.
      const others = get().notices.filter((n) => n.level !== notice.level || n.message !== notice.message);
      set({ notices: [...others, { ...notice, id: nextNoticeId++ }].slice(-MAX_NOTICES) });
    },

    setRefused(message) {
      if (get().refused !== message) set({ refused: message });
    },

    dismissNotice(id) {
      set({ notices: get().notices.filter((n) => n.id !== id) });
    },

    updateOrphans(targetId, patch) {
      const orphans = new Map(get().orphans);
      orphans.set(targetId, { ...(orphans.get(targetId) ?? NO_ORPHAN_LIST), ...patch });
      set({ orphans });
    },
  }));
}

/** The selected target if it still exists, else the first one: new uploads always have somewhere to go. */
function keepSelection(selected: string | null, targets: readonly TargetView[]): string | null {
  if (selected && targets.some((t) => t.id === selected)) return selected;
  return targets[0]?.id ?? null;
}
