// Messages for the user: failures from requests, and notices main sends.
// Shown in the page flow (not floating over it) so they never cover a button.
import { useHoist } from '../state/hoist-context.tsx';

export function Notices() {
  const notices = useHoist((s) => s.notices);
  const dismiss = useHoist((s) => s.dismissNotice);
  if (notices.length === 0) return null;
  return (
    <ul className="notices" aria-label="Notices">
      {notices.map((notice) => (
        <li
          key={notice.id}
          className={`notice notice--${notice.level}`}
          role={notice.level === 'error' ? 'alert' : 'status'}
          data-testid="notice"
          data-level={notice.level}
        >
          <span className="notice__message">{notice.message}</span>
          <button type="button" className="notice__dismiss" aria-label="Dismiss" data-testid="notice-dismiss" onClick={() => dismiss(notice.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
