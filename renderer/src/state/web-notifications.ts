// Headless mode has no tray and no native notifications: the page shows them
// through the browser's Web Notifications API, once the user allowed it (the
// browser asks only after a click: see browser-notifications.tsx), and only
// while Settings' "Notifications" is on. The desktop app's shell notifies
// natively, so there this does nothing. What is announced is what the shell
// announces: an upload finished, and main's notices about an upload that
// failed, changed, went missing, is about to expire or waits for a choice.
import type { HoistBridge, UploadView } from '../../../shared/ipc-contract.ts';
import { fileName } from '../lib/format.ts';
import type { HoistStore } from './hoist-store.ts';

/** The browser's Notification constructor, when there is one (not in every browser, nor in plain http pages off this machine). */
export type NotificationApi = {
  readonly permission: NotificationPermission;
  new (title: string, options?: NotificationOptions): unknown;
};

export function browserNotifications(): NotificationApi | undefined {
  return typeof Notification === 'undefined' ? undefined : Notification;
}

const TITLES = { failed: 'Upload failed', conflict: 'File changed', missing: 'File missing', expiry: 'Upload expiring', exists: 'Object already there', restarted: 'Upload restarted' } as const;

export function startWebNotifications(bridge: HoistBridge, store: HoistStore, api: NotificationApi | undefined = browserNotifications()): () => void {
  if (!api) return () => undefined;
  const allowed = () => {
    const { appInfo, settings } = store.getState();
    return appInfo?.mode === 'headless' && settings?.notifications === true && api.permission === 'granted';
  };
  const show = (title: string, body: string, tag: string) => {
    if (!allowed()) return;
    try {
      new api(title, { body, tag });
    } catch {
      // Some browsers only allow notifications from a service worker: the page still shows everything.
    }
  };
  // A row seen unfinished that is now completed: each upload announced once, not again on a reload of the list.
  const seenUnfinished = new Set<string>();
  const track = (uploads: readonly UploadView[]) => {
    for (const upload of uploads) {
      if (upload.state !== 'completed') {
        if (upload.state !== 'cancelled') seenUnfinished.add(upload.id);
        continue;
      }
      if (!seenUnfinished.delete(upload.id)) continue;
      show('Upload complete', `${fileName(upload.path)} is in s3://${upload.bucket}/${upload.key}`, `done-${upload.id}`);
    }
  };
  track([...store.getState().uploads.values()]);
  const offs = [
    store.subscribe((state, previous) => {
      if (state.uploads !== previous.uploads) track([...state.uploads.values()].filter((upload) => previous.uploads.get(upload.id) !== upload));
    }),
    bridge.on('notice', ({ level, message, about, uploadId }) => {
      if (level === 'info' || about === undefined) return;
      show(TITLES[about], message, `${about}-${uploadId ?? message}`);
    }),
  ];
  return () => {
    for (const off of offs) off();
  };
}
