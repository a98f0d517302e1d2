// Display helpers for the queue.
import type { UploadView, UploadViewState } from '../../../shared/ipc-contract.ts';

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

/** Still has work (or a decision) ahead of it, so it can expire on the server. */
export function isUnfinished(state: UploadViewState): boolean {
  return state !== 'completed' && state !== 'cancelled';
}

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
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
