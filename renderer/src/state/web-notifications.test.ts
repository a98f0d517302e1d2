import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { ELECTRON_INFO, FakeBridge, HEADLESS_INFO, makeUpload } from '../test/fake-bridge.ts';
import { createHoistStore } from './hoist-store.ts';
import { startWebNotifications } from './web-notifications.ts';
import type { NotificationApi } from './web-notifications.ts';

/** A stand-in for the browser's Notification: records what was shown. */
function fakeApi(permission: NotificationPermission) {
  const shown: Array<{ title: string; body: string | undefined }> = [];
  const api = class {
    static permission = permission;
    constructor(title: string, options?: NotificationOptions) {
      shown.push({ title, body: options?.body });
    }
  } as unknown as NotificationApi & { permission: NotificationPermission };
  return { api, shown };
}

function setUp(permission: NotificationPermission, info = HEADLESS_INFO, notifications = true) {
  const bridge = new FakeBridge();
  const store = createHoistStore();
  store.getState().setAppInfo(info);
  store.getState().setSettings({ ...DEFAULT_SETTINGS, notifications });
  const { api, shown } = fakeApi(permission);
  store.getState().applyList([makeUpload({ id: 'a', path: '/data/a.bin', key: 'k/a.bin' })]);
  const stop = startWebNotifications(bridge, store, api);
  return { bridge, store, shown, stop };
}

describe('notifications in headless mode', () => {
  it('announces a finished upload once, and main’s notices about an upload', () => {
    const { bridge, store, shown } = setUp('granted');
    store.getState().applyChanged([makeUpload({ id: 'a', path: '/data/a.bin', key: 'k/a.bin', state: 'completed' })]);
    store.getState().applyChanged([makeUpload({ id: 'a', path: '/data/a.bin', key: 'k/a.bin', state: 'completed', updatedAt: '2030-01-02T00:00:00.000Z' })]);
    bridge.emit('notice', { level: 'error', uploadId: 'b', about: 'failed', message: 'b.bin: AccessDenied' });
    bridge.emit('notice', { level: 'info', message: 'Nothing to retry' });
    expect(shown).toEqual([
      { title: 'Upload complete', body: 'a.bin is in s3://my-bucket/k/a.bin' },
      { title: 'Upload failed', body: 'b.bin: AccessDenied' },
    ]);
  });

  it('shows nothing before the user allowed it, with Notifications off, or in the desktop app', () => {
    for (const [permission, info, on] of [
      ['default', HEADLESS_INFO, true],
      ['granted', HEADLESS_INFO, false],
      ['granted', ELECTRON_INFO, true],
    ] as const) {
      const { bridge, store, shown, stop } = setUp(permission, info, on);
      store.getState().applyChanged([makeUpload({ id: 'a', state: 'completed' })]);
      bridge.emit('notice', { level: 'error', uploadId: 'a', about: 'failed', message: 'x' });
      expect(shown).toEqual([]);
      stop();
    }
  });
});
