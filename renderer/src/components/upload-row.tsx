// One upload in the queue. Memoised: an `uploads.changed` event replaces only
// the rows that changed, so the others keep their object and skip rendering.
import { memo } from 'react';
import type { UploadView } from '../../../shared/ipc-contract.ts';
import { fileName, formatBytes, formatDuration, formatSpeed, isUnfinished, percentDone, relativeTime, s3Url, stateLabel } from '../lib/format.ts';
import { ProgressBar } from './progress-bar.tsx';
import { RetryStatus, retryOf } from './retry-status.tsx';
import { RowActions } from './row-actions.tsx';

export interface UploadRowProps {
  upload: UploadView;
  nowMs: number;
  /** Expiry closer than this is highlighted, like the banner does. */
  warnWithinMs: number;
  canReveal: boolean;
}

export const UploadRow = memo(function UploadRow({ upload, nowMs, warnWithinMs, canReveal }: UploadRowProps) {
  const name = fileName(upload.path);
  const target = s3Url(upload);
  const percent = percentDone(upload.bytesDone, upload.bytesTotal);
  const retrying = retryOf(upload);

  return (
    <article className={`upload-row upload-row--${upload.state}`} data-testid="upload-row" data-upload-id={upload.id} data-state={upload.state}>
      <div className="upload-row__head">
        <span className="upload-row__name" title={upload.path} data-testid="row-name">
          {name}
        </span>
        <span className={`state-label state-label--${upload.state}`} data-testid="row-state">
          {retrying ? 'Retrying' : stateLabel(upload.state)}
        </span>
        <RowActions upload={upload} canReveal={canReveal} />
      </div>
      <div className="upload-row__target" title={target} data-testid="row-target">
        {target}
      </div>
      <ProgressBar percent={percent} label={`${name}: ${percent}% uploaded`} tone={upload.state} />
      <div className="upload-row__details">
        <RowFacts upload={upload} nowMs={nowMs} warnWithinMs={warnWithinMs} />
        {retrying ? <RetryStatus retrying={retrying} /> : <RowMessage upload={upload} />}
      </div>
    </article>
  );
});

function RowFacts({ upload, nowMs, warnWithinMs }: Omit<UploadRowProps, 'canReveal'>) {
  // A speed and an ETA while waiting to retry would claim a transfer that is not happening.
  const running = upload.state === 'uploading' && !retryOf(upload);
  const expiresAt = upload.expiresAt && isUnfinished(upload.state) ? Date.parse(upload.expiresAt) : NaN;
  return (
    <span className="upload-row__facts">
      <span data-testid="row-bytes">
        {formatBytes(upload.bytesDone)} / {formatBytes(upload.bytesTotal)}
      </span>
      {running && <span data-testid="row-speed">{formatSpeed(upload.speed)}</span>}
      {running && upload.etaSeconds !== null && <span data-testid="row-eta">{formatDuration(upload.etaSeconds)} left</span>}
      {!Number.isNaN(expiresAt) && (
        <span
          className={expiresAt - nowMs <= warnWithinMs ? 'upload-row__expiry upload-row__expiry--soon' : 'upload-row__expiry'}
          title={`The server discards this unfinished upload at ${new Date(expiresAt).toLocaleString()}`}
          data-testid="row-expires"
        >
          {expiresAt > nowMs ? `expires ${relativeTime(expiresAt, nowMs)}` : `expired ${relativeTime(expiresAt, nowMs)}`}
        </span>
      )}
      {upload.restarts > 0 && (
        <span
          className="badge badge--warning"
          title="The server discarded the unfinished upload (it expired or was aborted), so Hoist started it again from the first byte."
          data-testid="restart-badge"
        >
          restarted {upload.restarts}× (server discarded it)
        </span>
      )}
    </span>
  );
}

/** What needs reading: the conflict, or why it failed. Full text in the tooltip when it is cut off. */
function RowMessage({ upload }: { upload: UploadView }) {
  if (upload.state === 'conflict') {
    const text = upload.conflict ?? 'The file changed since the upload started.';
    return (
      <span className="upload-row__message upload-row__message--conflict" title={text} data-testid="row-conflict">
        {text}
      </span>
    );
  }
  if (upload.state === 'missing') {
    const text = upload.lastError ?? 'The file is gone or cannot be read. Put it back and retry, or cancel the upload.';
    return (
      <span className="upload-row__message upload-row__message--conflict" title={text} data-testid="row-missing">
        {text}
      </span>
    );
  }
  if (upload.state === 'failed' && upload.lastError) {
    return (
      <span className="upload-row__message upload-row__message--error" title={upload.lastError} data-testid="row-error">
        {upload.lastError}
      </span>
    );
  }
  return null;
}
