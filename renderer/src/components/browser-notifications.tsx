// Headless mode: whether this browser may show Hoist's notifications. The
// browser asks the user only in answer to a click, so the page offers one and
// says what the browser decided.
import { useState } from 'react';
import { browserNotifications } from '../state/web-notifications.ts';

export function BrowserNotificationsField({ enabled }: { enabled: boolean }) {
  const api = browserNotifications();
  const [permission, setPermission] = useState<NotificationPermission | 'unsupported'>(api ? api.permission : 'unsupported');
  if (!enabled) return null;
  return (
    <p className="field__hint" data-testid="browser-notifications" data-permission={permission}>
      {permission === 'unsupported' && 'This browser cannot show notifications here: the page shows everything instead.'}
      {permission === 'granted' && 'This browser shows them while this page is open.'}
      {permission === 'denied' && 'This browser blocks them for this page: allow them in its site settings.'}
      {permission === 'default' && (
        <>
          This browser shows them once you allow it:{' '}
          <button
            type="button"
            className="button button--quiet"
            data-testid="browser-notifications-allow"
            onClick={() => void Notification.requestPermission().then(setPermission, () => setPermission(Notification.permission))}
          >
            Allow notifications
          </button>
        </>
      )}
    </p>
  );
}
