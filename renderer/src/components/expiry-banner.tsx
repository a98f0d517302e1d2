// Warns before the server's lifecycle rule discards unfinished uploads: once it
// does, every byte sent so far is lost and the upload starts over.
import { useMemo } from 'react';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { fileName, relativeTime } from '../lib/format.ts';
import { useNow } from '../lib/use-now.ts';
import { expiringWithin } from '../state/derived.ts';
import { useHoist } from '../state/hoist-context.tsx';

export function ExpiryBanner() {
  const uploads = useHoist((s) => s.uploads);
  const hours = useHoist((s) => s.settings?.expiryWarningHours ?? DEFAULT_SETTINGS.expiryWarningHours);
  const nowMs = useNow();
  const { count, soonest } = useMemo(() => expiringWithin(uploads, hours, nowMs), [uploads, hours, nowMs]);
  if (count === 0 || !soonest?.expiresAt) return null;

  const at = Date.parse(soonest.expiresAt);
  const when = at > nowMs ? `expires ${relativeTime(at, nowMs)}` : `expired ${relativeTime(at, nowMs)}`;
  return (
    <div className="banner banner--warning" role="status" data-testid="expiry-banner">
      <strong>
        {count === 1 ? '1 unfinished upload' : `${count} unfinished uploads`} will be discarded by the server within {hours} h unless{' '}
        {count === 1 ? 'it finishes' : 'they finish'}.
      </strong>{' '}
      The first, <span title={soonest.path}>{fileName(soonest.path)}</span>, {when}. Keep Hoist running and resume paused or failed uploads so
      the bytes already sent are not lost.
    </div>
  );
}
