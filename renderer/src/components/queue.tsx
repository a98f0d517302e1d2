// The upload queue, virtualised: see virtual-list.tsx. Folder rows (one per
// folder sent as one object per file, taller while expanded to their files)
// and uploads together, newest first so what was just added is in view, under
// a filter: all, active, failed, done (the transfer history).
import { useCallback, useMemo, useState } from 'react';
import type { FolderView, TargetView, UploadView } from '../../../shared/ipc-contract.ts';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { filterOf } from '../lib/format.ts';
import type { QueueFilter } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { useHoist } from '../state/hoist-context.tsx';
import { FILES_PANEL_HEIGHT } from './folder-files.tsx';
import { FolderRow } from './folder-row.tsx';
import { QueueFilterBar } from './queue-filter.tsx';
import { hasDetail, UploadRow } from './upload-row.tsx';
import { VirtualList } from './virtual-list.tsx';

/** A browser never tells where a dropped file lives: headless, the empty queue says what works instead. */
const HEADLESS_EMPTY = 'No uploads yet. Use Browse… above to pick files and folders on the machine Hoist runs on, or type a path. (Dropping files here cannot work: a browser does not tell Hoist where they are.)';

/** Every row has exactly this height (styles.css sizes .upload-row to match); an expanded folder row adds FILES_PANEL_HEIGHT. */
export const ROW_HEIGHT = 104;
/** A row whose message is shown in full (a conflict, a failure) has this much more (styles.css: .upload-row--detail). */
export const DETAIL_HEIGHT = 60;

export interface QueueEntry {
  kind: 'folder' | 'upload';
  id: string;
}

/** Newest first (by when each started); rows that started at the same moment keep main's order. */
export function newestFirst(
  uploads: ReadonlyMap<string, UploadView>,
  order: readonly string[],
  folders: ReadonlyMap<string, FolderView>,
  folderOrder: readonly string[],
): QueueEntry[] {
  const keyed: Array<{ entry: QueueEntry; at: number; index: number }> = [];
  const at = (iso: string | undefined) => (iso ? Date.parse(iso) || 0 : 0);
  for (const id of folderOrder) keyed.push({ entry: { kind: 'folder', id }, at: at(folders.get(id)?.startedAt), index: keyed.length });
  for (const id of order) keyed.push({ entry: { kind: 'upload', id }, at: at(uploads.get(id)?.startedAt), index: keyed.length });
  keyed.sort((a, b) => b.at - a.at || a.index - b.index);
  return keyed.map((item) => item.entry);
}

export function Queue() {
  const uploads = useHoist((s) => s.uploads);
  const order = useHoist((s) => s.order);
  const folders = useHoist((s) => s.folders);
  const folderOrder = useHoist((s) => s.folderOrder);
  const folderFiles = useHoist((s) => s.folderFiles);
  const targets = useHoist((s) => s.targets);
  const loaded = useHoist((s) => s.uploadsLoaded);
  const canReveal = useHoist((s) => s.appInfo?.mode === 'electron');
  const warningHours = useHoist((s) => s.settings?.expiryWarningHours ?? DEFAULT_SETTINGS.expiryWarningHours);
  const nowMs = useNow();
  const headless = useHoist((s) => s.appInfo?.mode === 'headless');
  const [filter, setFilter] = useState<QueueFilter>('all');

  const sorted = useMemo(() => newestFirst(uploads, order, folders, folderOrder), [uploads, order, folders, folderOrder]);
  const counts = useMemo(() => {
    const tally: Record<QueueFilter, number> = { all: 0, active: 0, failed: 0, done: 0 };
    for (const entry of sorted) {
      const state = entry.kind === 'folder' ? folders.get(entry.id)?.state : uploads.get(entry.id)?.state;
      const category = state ? filterOf(state) : null;
      tally.all += 1;
      if (category) tally[category] += 1;
    }
    return tally;
  }, [sorted, uploads, folders]);
  const entries = useMemo(
    () =>
      filter === 'all'
        ? sorted
        : sorted.filter((entry) => {
            const state = entry.kind === 'folder' ? folders.get(entry.id)?.state : uploads.get(entry.id)?.state;
            return state !== undefined && filterOf(state) === filter;
          }),
    [sorted, filter, uploads, folders],
  );
  const targetsById = useMemo(() => new Map<string, TargetView>(targets.map((target) => [target.id, target])), [targets]);

  const heightOf = useCallback(
    (index: number) => {
      const entry = entries[index];
      if (!entry) return ROW_HEIGHT;
      if (entry.kind === 'folder') return folderFiles.has(entry.id) ? ROW_HEIGHT + FILES_PANEL_HEIGHT : ROW_HEIGHT;
      const upload = uploads.get(entry.id);
      return upload && hasDetail(upload) ? ROW_HEIGHT + DETAIL_HEIGHT : ROW_HEIGHT;
    },
    [entries, folderFiles, uploads],
  );
  // Fixed heights (the fast path) unless some row is taller.
  const uniform = useMemo(() => folderFiles.size === 0 && !entries.some((entry) => entry.kind === 'upload' && hasDetailById(uploads, entry.id)), [entries, folderFiles, uploads]);

  return (
    <section className="queue" data-testid="queue" aria-label="Upload queue">
      {order.length + folderOrder.length > 0 && <QueueFilterBar filter={filter} counts={counts} onChange={setFilter} />}
      {order.length + folderOrder.length === 0 ? (
        <p className="queue__empty" data-testid="queue-empty">
          {loaded ? (headless ? HEADLESS_EMPTY : 'No uploads yet. Drop files or folders anywhere in this window, or add them above.') : 'Loading…'}
        </p>
      ) : entries.length === 0 ? (
        <p className="queue__empty" data-testid="queue-filter-empty">
          Nothing {filter === 'done' ? 'finished' : filter} right now.
        </p>
      ) : (
        <VirtualList
          className="queue__list"
          label="Uploads"
          count={entries.length}
          rowHeight={uniform ? ROW_HEIGHT : heightOf}
          // A row added goes on top (newest first): the list scrolls there so it is seen.
          topKey={entries[0] ? `${entries[0].kind}:${entries[0].id}` : ''}
          rowKey={(index) => {
            const entry = entries[index];
            return entry ? `${entry.kind}:${entry.id}` : `missing-${index}`;
          }}
          renderRow={(index) => {
            const entry = entries[index];
            if (!entry) return null;
            if (entry.kind === 'folder') {
              const folder = folders.get(entry.id);
              return folder ? <FolderRow folder={folder} files={folderFiles.get(entry.id)} /> : null;
            }
            const upload = uploads.get(entry.id);
            const target = upload?.targetId ? targetsById.get(upload.targetId) : undefined;
            return upload ? (
              <UploadRow
                upload={upload}
                nowMs={nowMs}
                warnWithinMs={warningHours * 3600_000}
                canReveal={canReveal}
                targetName={target?.name}
                pathStyle={target ? target.pathStyle : upload.endpoint !== null}
              />
            ) : null;
          }}
        />
      )}
    </section>
  );
}

function hasDetailById(uploads: ReadonlyMap<string, UploadView>, id: string): boolean {
  const upload = uploads.get(id);
  return upload !== undefined && hasDetail(upload);
}
