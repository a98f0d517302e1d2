// The upload queue, virtualised: see virtual-list.tsx.
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { useNow } from '../lib/use-now.ts';
import { useHoist } from '../state/hoist-context.tsx';
import { UploadRow } from './upload-row.tsx';
import { VirtualList } from './virtual-list.tsx';

/** Every row has exactly this height (styles.css sizes .upload-row to match). */
export const ROW_HEIGHT = 104;

export function Queue() {
  const uploads = useHoist((s) => s.uploads);
  const order = useHoist((s) => s.order);
  const loaded = useHoist((s) => s.uploadsLoaded);
  const canReveal = useHoist((s) => s.appInfo?.mode === 'electron');
  const warningHours = useHoist((s) => s.settings?.expiryWarningHours ?? DEFAULT_SETTINGS.expiryWarningHours);
  const nowMs = useNow();

  return (
    <section className="queue" data-testid="queue" aria-label="Upload queue">
      {order.length === 0 ? (
        <p className="queue__empty">{loaded ? 'No uploads yet. Drop files or folders anywhere in this window, or add them above.' : 'Loading…'}</p>
      ) : (
        <VirtualList
          className="queue__list"
          label="Uploads"
          count={order.length}
          rowHeight={ROW_HEIGHT}
          rowKey={(index) => order[index] ?? `missing-${index}`}
          renderRow={(index) => {
            const upload: UploadView | undefined = uploads.get(order[index] ?? '');
            return upload ? <UploadRow upload={upload} nowMs={nowMs} warnWithinMs={warningHours * 3600_000} canReveal={canReveal} /> : null;
          }}
        />
      )}
    </section>
  );
}
