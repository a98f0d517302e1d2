// The upload queue, virtualised: see virtual-list.tsx. Folders sent as one
// object per file come first, one row each (taller while expanded to their
// files), then the uploads.
import { useCallback } from 'react';
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { useNow } from '../lib/use-now.ts';
import { useHoist } from '../state/hoist-context.tsx';
import { FILES_PANEL_HEIGHT } from './folder-files.tsx';
import { FolderRow } from './folder-row.tsx';
import { UploadRow } from './upload-row.tsx';
import { VirtualList } from './virtual-list.tsx';

/** Every row has exactly this height (styles.css sizes .upload-row to match); an expanded folder row adds FILES_PANEL_HEIGHT. */
/** A browser never tells where a dropped file lives: headless, the empty queue says what works instead. */
const HEADLESS_EMPTY = 'No uploads yet. Use Browse… above to pick files and folders on the machine Hoist runs on, or type a path. (Dropping files here cannot work: a browser does not tell Hoist where they are.)';

export const ROW_HEIGHT = 104;

export function Queue() {
  const uploads = useHoist((s) => s.uploads);
  const order = useHoist((s) => s.order);
  const folders = useHoist((s) => s.folders);
  const folderOrder = useHoist((s) => s.folderOrder);
  const folderFiles = useHoist((s) => s.folderFiles);
  const loaded = useHoist((s) => s.uploadsLoaded);
  const canReveal = useHoist((s) => s.appInfo?.mode === 'electron');
  const warningHours = useHoist((s) => s.settings?.expiryWarningHours ?? DEFAULT_SETTINGS.expiryWarningHours);
  const nowMs = useNow();
  const headless = useHoist((s) => s.appInfo?.mode === 'headless');
  const folderCount = folderOrder.length;

  // Fixed heights (the fast path) unless a folder row is expanded.
  const expandedHeight = useCallback(
    (index: number) => (index < folderCount && folderFiles.has(folderOrder[index] ?? '') ? ROW_HEIGHT + FILES_PANEL_HEIGHT : ROW_HEIGHT),
    [folderCount, folderOrder, folderFiles],
  );

  return (
    <section className="queue" data-testid="queue" aria-label="Upload queue">
      {order.length + folderCount === 0 ? (
        <p className="queue__empty" data-testid="queue-empty">{loaded ? (headless ? HEADLESS_EMPTY : 'No uploads yet. Drop files or folders anywhere in this window, or add them above.') : 'Loading…'}</p>
      ) : (
        <VirtualList
          className="queue__list"
          label="Uploads"
          count={folderCount + order.length}
          rowHeight={folderFiles.size === 0 ? ROW_HEIGHT : expandedHeight}
          rowKey={(index) => (index < folderCount ? `folder:${folderOrder[index]}` : (order[index - folderCount] ?? `missing-${index}`))}
          renderRow={(index) => {
            if (index < folderCount) {
              const id = folderOrder[index] ?? '';
              const folder = folders.get(id);
              return folder ? <FolderRow folder={folder} files={folderFiles.get(id)} /> : null;
            }
            const upload: UploadView | undefined = uploads.get(order[index - folderCount] ?? '');
            return upload ? <UploadRow upload={upload} nowMs={nowMs} warnWithinMs={warningHours * 3600_000} canReveal={canReveal} /> : null;
          }}
        />
      )}
    </section>
  );
}
