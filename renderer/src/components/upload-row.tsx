// One upload in the queue. Memoised: an `uploads.changed` event replaces only
// the rows that changed, so the others keep their object and skip rendering.
import { memo } from 'react';
import type { UploadView } from '../../../shared/ipc-contract.ts';
import {
  fileName,
  formatBytes,
  formatDuration,
  formatSpeed,
  hostOf,
  isUnfinished,
  isWaiting,
  localTime,
  percentDone,
  readableMessage,
  relativeTime,
  retryOf,
  s3Url,
  uploadLabel,
} from '../lib/format.ts';
import { ProgressBar } from './progress-bar.tsx';
import { RetryStatus } from './retry-status.tsx';
import { RowActions } from './row-actions.tsx';

export interface UploadRowProps {
  upload: UploadView;
  nowMs: number;
  /** Expiry closer than this is highlighted, like the banner does. */
  warnWithinMs: number;
  canReveal: boolean;
  /** The target's name, when it still exists: with the bucket and host, it tells look-alike targets apart. */
  targetName?: string | undefined;
  /** For "Copy URL": whether the target addresses buckets path-style. */
  pathStyle?: boolean;
}

/** Rows whose message is shown in full below the row's usual lines (queue.tsx gives them more height). */
export function hasDetail(upload: UploadView): boolean {
  return upload.state === 'conflict' || upload.state === 'missing' || (upload.state === 'failed' && upload.lastError !== null);
}

export const UploadRow = memo(function UploadRow({ upload, nowMs, warnWithinMs, canReveal, targetName, pathStyle = upload.endpoint !== null }: UploadRowProps) {
  const name = fileName(upload.path);
  const target = s3Url(upload);
  const host = hostOf(upload.endpoint);
  const percent = percentDone(upload.bytesDone, upload.bytesTotal);
  // The in-flight bar shows only while the upload runs; anything else left over is stale.
  const inFlight = upload.state === 'uploading' ? percentDone(upload.bytesInFlight, upload.bytesTotal) : 0;
  const detail = hasDetail(upload);
  const retrying = retryOf(upload);
  const waiting = !retrying && isWaiting(upload);
  const label = retrying ? 'Retrying' : uploadLabel(upload);

  return (
    <article
      className={`upload-row upload-row--${upload.state}${detail ? ' upload-row--detail' : ''}`}
      data-testid="upload-row"
      data-upload-id={upload.id}
      data-state={upload.state}
    >
      <div className="upload-row__head">
        <span className="upload-row__name" title={upload.path} data-testid="row-name">
          {name}
        </span>
        <span
          className={`state-label state-label--${waiting ? 'waiting' : upload.state}`}
          title={waiting ? 'Waiting for a free upload slot: other uploads hold them all (Settings: parts in flight)' : undefined}
          data-testid="row-state"
        >
          {label}
        </span>
        <RowActions upload={upload} canReveal={canReveal} pathStyle={pathStyle} />
      </div>
      <div className="upload-row__target" title={`${targetName ? `${targetName}: ` : ''}${target} on ${host}`} data-testid="row-target">
        {targetName && <span className="upload-row__target-name">{targetName} · </span>}
        {target} <span data-testid="row-host">· {host}</span>
      </div>
      <ProgressBar percent={percent} inFlightPercent={inFlight} label={`${name}: ${percent}% confirmed by the server`} tone={upload.state} />
      <div className="upload-row__details">
        <RowFacts upload={upload} nowMs={nowMs} warnWithinMs={warnWithinMs} />
        {retrying && <RetryStatus retrying={retrying} />}
      </div>
      {detail && <RowMessage upload={upload} />}
    </article>
  );
});

function RowFacts({ upload, nowMs, warnWithinMs }: Pick<UploadRowProps, 'upload' | 'nowMs' | 'warnWithinMs'>) {
  // A speed and an ETA while waiting (for a slot, or to retry) would claim a transfer that is not happening.
  const running = upload.state === 'uploading' && !isWaiting(upload) && !retryOf(upload);
  const expiresAt = upload.expiresAt && isUnfinished(upload.state) ? Date.parse(upload.expiresAt) : NaN;
  const completedAt = upload.state === 'completed' && upload.completedAt ? Date.parse(upload.completedAt) : NaN;
  return (
    <span className="upload-row__facts">
      <span data-testid="row-bytes" title="Bytes the server confirmed (parts on their way are the lighter bar)">
        {formatBytes(upload.bytesDone)} / {formatBytes(upload.bytesTotal)}
        {running && upload.bytesInFlight > 0 && <span className="upload-row__in-flight"> (+{formatBytes(upload.bytesInFlight)} on the way)</span>}
      </span>
      {running && <span data-testid="row-speed">{formatSpeed(upload.speed)}</span>}
      {running && upload.etaSeconds !== null && <span data-testid="row-eta">{formatDuration(upload.etaSeconds)} left</span>}
      {!Number.isNaN(completedAt) && (
        <span title={localTime(completedAt)} data-testid="row-completed">
          finished {relativeTime(completedAt, nowMs)}
        </span>
      )}
      {!Number.isNaN(expiresAt) && (
        <span
          className={expiresAt - nowMs <= warnWithinMs ? 'upload-row__expiry upload-row__expiry--soon' : 'upload-row__expiry'}
          title={`The server discards this unfinished upload at ${localTime(expiresAt)}`}
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

/** What needs reading, in full: the conflict, why the file is missing, or why it failed. */
function RowMessage({ upload }: { upload: UploadView }) {
  if (upload.state === 'conflict') {
    const text = readableMessage(upload.conflict ?? 'The file changed since the upload started.');
    return (
      <p className="upload-row__message upload-row__message--conflict" data-testid="row-conflict">
        {text}
      </p>
    );
  }
  if (upload.state === 'missing') {
    const text = readableMessage(upload.lastError ?? 'The file is gone or cannot be read. Put it back and retry, or cancel the upload.');
    return (
      <p className="upload-row__message upload-row__message--conflict" data-testid="row-missing">
        {text}
      </p>
    );
  }
  return (
    <p className="upload-row__message upload-row__message--error" data-testid="row-error">
      {readableMessage(upload.lastError ?? '')}
    </p>
  );
}
