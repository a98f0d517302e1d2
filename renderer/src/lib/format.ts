// Display helpers for the queue.
import type { RetryingView, UploadView, UploadViewState } from '../../../shared/ipc-contract.ts';

import { formatBytes, formatDuration } from '../../../shared/domain/units.ts';

export { formatBytes, formatDuration };

/** The last path segment; paths may come from Windows, so both separators count. */
export function fileName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut >= 0 ? trimmed.slice(cut + 1) || trimmed : trimmed;
}

export function s3Url(upload: Pick<UploadView, 'bucket' | 'key'>): string {
  return `s3://${upload.bucket}/${upload.key}`;
}

export function formatSpeed(bytesPerSecond: number): string {
  return `${formatBytes(Math.round(bytesPerSecond))}/s`;
}

/** Whole-number percentage, floored so a row never shows 100 % before it is done. */
export function percentDone(bytesDone: number, bytesTotal: number): number {
  if (bytesTotal <= 0) return bytesDone > 0 ? 100 : 0;
  return Math.min(100, Math.floor((bytesDone / bytesTotal) * 100));
}

const STATE_LABELS: Record<UploadViewState, string> = {
  queued: 'Queued',
  uploading: 'Uploading',
  paused: 'Paused',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
  conflict: 'File changed',
  missing: 'File missing',
};

export function stateLabel(state: UploadViewState): string {
  return STATE_LABELS[state];
}

/**
 * A row's label: its state, except that a running upload with no part in
 * flight and nothing moving is waiting (for a part slot other uploads hold, or
 * for the server), not "Uploading 0 B/s".
 */
export function uploadLabel(upload: Pick<UploadView, 'state' | 'partsInFlight' | 'speed' | 'conflictOver'>): string {
  if (isWaiting(upload)) return 'Waiting';
  // The file did not change: an object at its key waits for the user's word.
  if (upload.state === 'conflict' && upload.conflictOver === 'object') return 'Your choice';
  return STATE_LABELS[upload.state];
}

export function isWaiting(upload: Pick<UploadView, 'state' | 'partsInFlight' | 'speed'>): boolean {
  return upload.state === 'uploading' && upload.partsInFlight === 0 && upload.speed === 0;
}

/** Which filter of the queue a row belongs to. */
export type QueueFilter = 'all' | 'active' | 'failed' | 'done';

export function filterOf(state: UploadViewState | 'walking' | 'sending' | 'asking'): Exclude<QueueFilter, 'all'> | null {
  if (state === 'completed') return 'done';
  if (state === 'failed' || state === 'missing') return 'failed';
  if (state === 'cancelled') return null;
  return 'active';
}

/** The host a target's endpoint names, or AWS: what tells two targets with the same bucket apart. */
export function hostOf(endpoint: string | null | undefined): string {
  if (!endpoint) return 'AWS S3';
  try {
    return new URL(endpoint).host || endpoint;
  } catch {
    return endpoint;
  }
}

/** An object's https:// address: path-style on a custom endpoint (virtual-hosted when the target says so), AWS's regional virtual-hosted form otherwise. */
export function objectUrl(upload: Pick<UploadView, 'bucket' | 'key' | 'endpoint' | 'region'>, pathStyle: boolean): string {
  const key = upload.key.split('/').map(encodeURIComponent).join('/');
  if (!upload.endpoint) return `https://${upload.bucket}.s3.${upload.region}.amazonaws.com/${key}`;
  const base = upload.endpoint.replace(/\/+$/, '');
  if (pathStyle) return `${base}/${upload.bucket}/${key}`;
  const url = new URL(base);
  return `${url.protocol}//${upload.bucket}.${url.host}${url.pathname.replace(/\/+$/, '')}/${key}`;
}

/** Still has work (or a decision) ahead of it, so it can expire on the server. */
export function isUnfinished(state: UploadViewState): boolean {
  return state !== 'completed' && state !== 'cancelled';
}

// The user's locale (the browser's), never a fixed one: times read as the rest of their desktop does.
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** A moment in the user's locale, e.g. "10 Dec 2026, 11:37". */
export function localTime(ms: number): string {
  return dateTime.format(ms);
}

const ISO_TIME = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z\b/g;
const SIZE_CHANGE = /\bsize (\d+) → (\d+)/g;

/**
 * Main's messages carry exact figures (ISO times, sizes in bytes) so the CLI
 * and logs stay precise; the page shows them as a person reads them: times in
 * the user's locale, a size change in binary units with the difference.
 */
export function readableMessage(text: string): string {
  return text
    .replace(ISO_TIME, (iso) => {
      const ms = Date.parse(iso);
      return Number.isNaN(ms) ? iso : localTime(ms);
    })
    .replace(SIZE_CHANGE, (_match, before: string, after: string) => {
      const delta = Number(after) - Number(before);
      const sign = delta >= 0 ? '+' : '−';
      return `size ${formatBytes(Number(before))} → ${formatBytes(Number(after))} (${sign}${formatBytes(Math.abs(delta))})`;
    });
}
const STEPS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
];

/** "in 3 days", "2 hours ago", "in 5 minutes": the largest unit that fits. */
export function relativeTime(targetMs: number, nowMs: number): string {
  const seconds = (targetMs - nowMs) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return seconds >= 0 ? 'in less than a minute' : 'just now';
}

/** A server's error text, minus anything that looks like a stack trace; first letter capitalised. */
export function cleanMessage(message: string): string {
  const lines = message
    .split('\n')
    .filter((line) => !/^\s*at\s/.test(line))
    .join('\n')
    .trim();
  const text = lines.length > 600 ? `${lines.slice(0, 600)}…` : lines;
  if (!text) return 'Something went wrong.';
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The retry a row should show: only while the upload is still meant to run. */
export function retryOf(upload: Pick<UploadView, 'state' | 'retrying'>): RetryingView | undefined {
  return (upload.state === 'queued' || upload.state === 'uploading') && upload.retrying ? upload.retrying : undefined;
}
