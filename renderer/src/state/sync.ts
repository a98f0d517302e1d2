// Keeps the store in step with main: subscribe to events first, then load, so
// no change can fall between the snapshot and the first event (the store
// reconciles the two, see applyList).
import type { HoistBridge } from '../../../shared/ipc-contract.ts';
import { canReportReconnects, CONNECTION_LOST_MESSAGE } from '../bridge/web-bridge.ts';
import type { HoistActions } from './hoist-actions.ts';
import type { HoistStore } from './hoist-store.ts';

export function startSync(bridge: HoistBridge, store: HoistStore, actions: HoistActions): () => void {
  const state = () => store.getState();
  const unsubscribe = [
    bridge.on('uploads.changed', ({ uploads }) => state().applyChanged(uploads)),
    bridge.on('uploads.removed', ({ ids }) => state().applyRemoved(ids)),
    bridge.on('folders.changed', ({ folders }) => state().applyFoldersChanged(folders)),
    bridge.on('folders.removed', ({ ids }) => state().applyFoldersRemoved(ids)),
    bridge.on('notice', ({ level, message, uploadId, about }) =>
      state().addNotice({ level, message, ...(uploadId === undefined ? {} : { uploadId }), ...(about === undefined ? {} : { about }) }),
    ),
  ];
  // After the headless event stream dropped (Hoist restarted, or the machine
  // slept), events may have been missed: everything shown is loaded again, and
  // the "reconnecting" notice goes.
  if (canReportReconnects(bridge)) {
    unsubscribe.push(
      bridge.onReconnect(() => {
        for (const notice of state().notices) if (notice.message === CONNECTION_LOST_MESSAGE) state().dismissNotice(notice.id);
        void actions.loadAll();
      }),
    );
  }
  void actions.loadAll();
  return () => {
    for (const off of unsubscribe) off();
  };
}
