// Figures computed from the whole queue. They walk every row, which is fine at
// 10,000 rows and ~10 updates a second as long as each step is cheap;
// components memoise on the uploads map.
import type { FolderView, UploadView } from '../../../shared/ipc-contract.ts';
import { isUnfinished, isWaiting, retryOf } from '../lib/format.ts';
import { folderFigures, folderRetryOf } from '../lib/folder-format.ts';

export interface QueueTotals {
  count: number;
  unfinished: number;
  /** Failed uploads and folders ("Retry all failed"); a missing file is counted apart: retrying waits for the file. */
  failed: number;
  /** Sending now: uploading with bytes moving or a part on the wire. */
  active: number;
  /** Waiting out a failure before trying again ("Retrying in 12 s: …" on the row): not uploading. */
  retrying: number;
  pausable: number;
  resumable: number;
  bytesDone: number;
  bytesTotal: number;
  speed: number;
}

/** Uploads and folder rows together: a folder counts as one entry, with all its bytes. */
export function queueTotals(uploads: ReadonlyMap<string, UploadView>, folders: ReadonlyMap<string, FolderView> = new Map()): QueueTotals {
  const totals: QueueTotals = { count: 0, unfinished: 0, failed: 0, active: 0, retrying: 0, pausable: 0, resumable: 0, bytesDone: 0, bytesTotal: 0, speed: 0 };
  for (const upload of uploads.values()) {
    totals.count += 1;
    // One holding an upload slot while every part slot is taken is waiting, not uploading.
    if (retryOf(upload)) totals.retrying += 1;
    else if (upload.state === 'uploading' && !isWaiting(upload)) totals.active += 1;
    if (upload.state === 'failed') totals.failed += 1;
    if (upload.state === 'uploading' || upload.state === 'queued') totals.pausable += 1;
    if (upload.state === 'paused' || upload.state === 'failed') totals.resumable += 1;
    // Cancelled rows would inflate "of total" with bytes that will never move.
    if (upload.state === 'cancelled') continue;
    if (isUnfinished(upload.state)) totals.unfinished += 1;
    totals.bytesDone += upload.bytesDone;
    totals.bytesTotal += upload.bytesTotal;
    totals.speed += upload.speed;
  }
  for (const folder of folders.values()) {
    totals.count += 1;
    const figures = folderFigures(folder);
    if (folderRetryOf(folder)) totals.retrying += 1;
    else if (folder.running) totals.active += 1;
    if (folder.state === 'failed' && !folder.running) totals.failed += 1;
    if (folder.running || figures.state === 'waiting') totals.pausable += 1;
    if (!folder.running && (folder.state === 'paused' || folder.state === 'failed')) totals.resumable += 1;
    if (folder.state === 'cancelled') continue;
    if (folder.state !== 'completed') totals.unfinished += 1;
    totals.bytesDone += figures.bytesDone;
    totals.bytesTotal += figures.bytesTotal;
    totals.speed += folder.speed;
  }
  return totals;
}

export interface ExpiringSummary {
  count: number;
  /** The unfinished upload the server discards first. */
  soonest: UploadView | null;
}

// Date.parse of 10,000 ISO strings takes about 10 ms, and the banner walks the
// queue on every change. A row is replaced, never mutated, when main reports a
// change, so its parsed expiry can be kept for as long as the row object lives.
const parsedExpiry = new WeakMap<UploadView, number>();

function expiresAtMs(upload: UploadView, expiresAt: string): number {
  let at = parsedExpiry.get(upload);
  if (at === undefined) {
    at = Date.parse(expiresAt);
    parsedExpiry.set(upload, at);
  }
  return at;
}

/** Unfinished uploads the server will discard within `hours` (or already has). */
export function expiringWithin(uploads: ReadonlyMap<string, UploadView>, hours: number, nowMs: number): ExpiringSummary {
  const limit = nowMs + hours * 3600 * 1000;
  let count = 0;
  let soonest: UploadView | null = null;
  let soonestAt = Infinity;
  for (const upload of uploads.values()) {
    if (!upload.expiresAt || !isUnfinished(upload.state)) continue;
    const at = expiresAtMs(upload, upload.expiresAt);
    if (!(at <= limit)) continue;
    count += 1;
    if (at < soonestAt) {
      soonestAt = at;
      soonest = upload;
    }
  }
  return { count, soonest };
}
