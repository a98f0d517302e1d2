// Overall progress and the queue-wide buttons.
import { useMemo } from 'react';
import { formatBytes, formatSpeed, percentDone } from '../lib/format.ts';
import { queueTotals } from '../state/derived.ts';
import { useActions, useHoist } from '../state/hoist-context.tsx';

export function AppHeader() {
  const uploads = useHoist((s) => s.uploads);
  const folders = useHoist((s) => s.folders);
  const version = useHoist((s) => s.appInfo?.version);
  const actions = useActions();
  const totals = useMemo(() => queueTotals(uploads, folders), [uploads, folders]);
  const finished = totals.count - totals.unfinished;

  return (
    <header className="app-header">
      <h1 className="app-header__title">
        Hoist{version && <span className="app-header__version">{version}</span>}
      </h1>
      <p className="app-header__totals" data-testid="totals" aria-live="polite">
        {totals.count === 0 ? (
          'Nothing queued'
        ) : (
          <>
            <span>
              {totals.unfinished - totals.failed} of {totals.count} unfinished
            </span>
            <span>{totals.active} uploading</span>
            {totals.retrying > 0 && <span data-testid="totals-retrying">{totals.retrying} retrying</span>}
            {totals.failed > 0 && (
              <span className="app-header__failed" data-testid="totals-failed">
                {totals.failed} failed
              </span>
            )}
            <span>
              {formatBytes(totals.bytesDone)} / {formatBytes(totals.bytesTotal)} ({percentDone(totals.bytesDone, totals.bytesTotal)}%)
            </span>
            {totals.speed > 0 && <span>{formatSpeed(totals.speed)}</span>}
          </>
        )}
      </p>
      <div className="app-header__actions">
        <button type="button" className="button" data-testid="pause-all" disabled={totals.unfinished === 0} onClick={() => void actions.pauseAll()}>
          Pause all
        </button>
        <button type="button" className="button" data-testid="resume-all" disabled={totals.unfinished === 0} onClick={() => void actions.resumeAll()}>
          Resume all
        </button>
        {totals.failed > 0 && (
          <button type="button" className="button" data-testid="retry-failed" onClick={() => void actions.retryFailed()}>
            Retry all failed
          </button>
        )}
        <button type="button" className="button button--quiet" data-testid="clear-finished" disabled={finished === 0} onClick={() => void actions.clearFinished()}>
          Clear finished
        </button>
      </div>
    </header>
  );
}
