// Messages for the user: failures from requests, and notices main sends.
// Shown in the page flow (not floating over it) so they never cover a button.
//
// A notice about an upload's state (failed, in conflict, missing, expiring…)
// is shown only while the upload is still in that state, and its times are
// read from the upload now, in the user's locale: settling a conflict or
// finishing the upload takes its notice away, and nothing stale stays.
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { fileName, isUnfinished, localTime, readableMessage, relativeTime } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { useHoist } from '../state/hoist-context.tsx';
import type { Notice } from '../state/hoist-store.ts';

/** The text to show for a notice now, or null when the state it described is over. */
export function currentNoticeText(notice: Notice, upload: UploadView | undefined, nowMs: number, warningHours: number): string | null {
  if (notice.uploadId === undefined || notice.about === undefined) return readableMessage(notice.message);
  if (!upload) return null;
  switch (notice.about) {
    case 'expiry': {
      const at = upload.expiresAt ? Date.parse(upload.expiresAt) : NaN;
      if (!isUnfinished(upload.state) || Number.isNaN(at) || at - nowMs > warningHours * 3600_000) return null;
      const when = at > nowMs ? `will discard the unfinished upload ${relativeTime(at, nowMs)} (${localTime(at)})` : `discarded the unfinished upload ${relativeTime(at, nowMs)}`;
      return `${fileName(upload.path)}: the server ${when}; let it finish before then.`;
    }
    case 'failed':
      return upload.state === 'failed' ? readableMessage(notice.message) : null;
    case 'conflict':
      return upload.state === 'conflict' && upload.conflictOver !== 'object' ? readableMessage(notice.message) : null;
    case 'exists':
      return upload.state === 'conflict' && upload.conflictOver === 'object' ? readableMessage(notice.message) : null;
    case 'missing':
      return upload.state === 'missing' ? readableMessage(notice.message) : null;
    case 'restarted':
      // Something that happened, not a state: still true once the upload finished (its row keeps the badge too).
      return readableMessage(notice.message);
  }
}

export function Notices() {
  const notices = useHoist((s) => s.notices);
  const uploads = useHoist((s) => s.uploads);
  const warningHours = useHoist((s) => s.settings?.expiryWarningHours ?? DEFAULT_SETTINGS.expiryWarningHours);
  const dismiss = useHoist((s) => s.dismissNotice);
  const nowMs = useNow();
  const shown = notices.flatMap((notice) => {
    const text = currentNoticeText(notice, notice.uploadId === undefined ? undefined : uploads.get(notice.uploadId), nowMs, warningHours);
    return text === null ? [] : [{ notice, text }];
  });
  if (shown.length === 0) return null;
  return (
    <ul className="notices" aria-label="Notices">
      {shown.map(({ notice, text }) => (
        <li
          key={notice.id}
          className={`notice notice--${notice.level}`}
          role={notice.level === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          data-level={notice.level}
          data-about={notice.about}
        >
          <span className="notice__message">{text}</span>
          <button type="button" className="notice__dismiss" aria-label="Dismiss" data-testid="notice-dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
