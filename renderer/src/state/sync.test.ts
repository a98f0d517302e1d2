import { describe, expect, it, vi } from 'vitest';
import { CONNECTION_LOST_MESSAGE } from '../bridge/web-bridge.ts';
import { FakeBridge, makeUpload, ok } from '../test/fake-bridge.ts';
import { createHoistActions } from './hoist-actions.ts';
import { createHoistStore } from './hoist-store.ts';
import { startSync } from './sync.ts';

/** The fake bridge plus the headless bridge's reconnect signal. */
class ReconnectingFake extends FakeBridge {
  private readonly reconnectListeners = new Set<() => void>();
  onReconnect(listener: () => void): () => void {
    this.reconnectListeners.add(listener);
    return () => this.reconnectListeners.delete(listener);
  }
  reconnect(): void {
    for (const listener of this.reconnectListeners) listener();
  }
}

describe('sync after the event stream came back', () => {
  it('loads everything again (fresh rows replace frozen ones) and drops the "reconnecting" notice', async () => {
    let rows = [makeUpload({ id: 'u-1', state: 'uploading', etaSeconds: 68 })];
    const bridge = new ReconnectingFake({ handlers: { 'uploads.list': () => ok(rows) } });
    const store = createHoistStore();
    startSync(bridge, store, createHoistActions(bridge, store));
    await vi.waitFor(() => expect(store.getState().uploads.get('u-1')?.state).toBe('uploading'));

    bridge.emit('notice', { level: 'warning', message: CONNECTION_LOST_MESSAGE });
    store.getState().addNotice({ level: 'error', message: 'something else' });
    const callsBefore = bridge.calls.length;
    // Meanwhile Hoist restarted and found the file changed.
    rows = [makeUpload({ id: 'u-1', state: 'conflict', conflict: 'size 1 → 2', speed: 0, etaSeconds: null })];
    bridge.reconnect();

    await vi.waitFor(() => expect(store.getState().uploads.get('u-1')?.state).toBe('conflict'));
    const reloaded = bridge.calls.slice(callsBefore).map((call) => call.name);
    expect(reloaded).toEqual(expect.arrayContaining(['app.info', 'uploads.list', 'folders.list', 'targets.list', 'settings.get']));
    expect(store.getState().notices.map((notice) => notice.message)).toEqual(['something else']);
  });
});
