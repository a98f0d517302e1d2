import type { UploadView } from '../ipc-contract.ts';
import type { FolderView } from '../ipc-folder-schemas.ts';
import { formatBytes, formatDuration } from './units.ts';

/**
 * What the tray shows, computed from the upload rows: the icon state, the
 * tooltip, the summary lines and the actions of the menu. Pure, so every
 * state is unit-tested; main/shell/tray.ts only renders it.
 */
export type TrayState = 'idle' | 'uploading' | 'paused' | 'attention';
export type TrayActionId = 'pauseAll' | 'resumeAll' | 'open' | 'quit';

export interface TrayItem {
  id: TrayActionId;
  label: string;
  enabled: boolean;
}

export interface TrayMenuSummary {
  /** "3 files: 2 uploading, 1 paused", or "No uploads in progress". */
  files: string;
  /** Bytes done over all unfinished uploads, 0–100 rounded down; null when none is unfinished. */
  percent: number | null;
  /** "12.3 MiB/s" over the running uploads; '' when nothing moves. */
  speed: string;
  /** "5m 03s left" for the running and waiting uploads at the current speed; '' when unknown. */
  timeLeft: string;
}

export interface TrayView {
  state: TrayState;
  tooltip: string;
  menu: TrayMenuSummary;
  items: TrayItem[];
}

export interface TrayViewOptions {
  /** Now, in milliseconds since the epoch. */
  now: number;
  /** An unfinished upload the server discards within this many hours needs attention. */
  expiryWarningHours: number;
}

const FINISHED = new Set<UploadView['state']>(['completed', 'cancelled']);
const HOUR_MS = 3600 * 1000;

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

export function isExpiringSoon(upload: Pick<UploadView, 'state' | 'expiresAt'>, options: TrayViewOptions): boolean {
  if (FINISHED.has(upload.state) || upload.expiresAt === null) return false;
  const expires = Date.parse(upload.expiresAt);
  return Number.isFinite(expires) && expires - options.now <= options.expiryWarningHours * HOUR_MS;
}

/** What the tray reads of a row: an upload, or a folder as one entry (folderRow). */
type TrayRow = Pick<UploadView, 'state' | 'bytesDone' | 'bytesTotal' | 'speed' | 'expiresAt'> & { asking?: boolean };

/**
 * A folder upload as one tray entry, in the states an upload has: walking or
 * sending is uploading while a run goes on and waiting otherwise; one asking
 * about objects that differ needs the user's choice (counted apart). Its
 * files' bytes sent or already there are its bytes done.
 */
function folderRow(folder: FolderView): TrayRow {
  const { totals } = folder;
  const state: UploadView['state'] =
    folder.state === 'completed' || folder.state === 'cancelled' || folder.state === 'paused' || folder.state === 'failed'
      ? folder.state
      : folder.state === 'asking'
        ? 'conflict'
        : folder.running
          ? 'uploading'
          : 'queued';
  const bytesTotal = Object.values(totals).reduce((sum, count) => sum + count.bytes, 0);
  return { state, bytesDone: totals.done.bytes + totals.there.bytes + folder.bytesInFlight, bytesTotal, speed: folder.speed, expiresAt: null, asking: folder.state === 'asking' };
}

export function trayView(uploads: readonly UploadView[], options: TrayViewOptions, folders: readonly FolderView[] = []): TrayView {
  // The upload rows leave out a folder's big files (the app lists them under their folder): the folder is one entry.
  const rows: TrayRow[] = [...uploads, ...folders.map(folderRow)];
  const unfinished = rows.filter((upload) => !FINISHED.has(upload.state));
  const count = (state: UploadView['state']) => unfinished.filter((upload) => upload.state === state).length;
  const uploading = count('uploading');
  const queued = count('queued');
  const paused = count('paused');
  const failed = count('failed');
  const asking = unfinished.filter((row) => row.asking === true).length;
  const conflict = count('conflict') - asking;
  const missing = count('missing');
  const expiring = unfinished.filter((upload) => isExpiringSoon(upload, options)).length;
  const needing = unfinished.filter(
    (upload) => upload.state === 'failed' || upload.state === 'conflict' || upload.state === 'missing' || isExpiringSoon(upload, options),
  ).length;

  const state: TrayState =
    needing > 0 ? 'attention' : uploading + queued > 0 ? 'uploading' : unfinished.length > 0 && paused === unfinished.length ? 'paused' : 'idle';

  const menu = summary(unfinished, { uploading, queued, paused, failed, conflict, asking, missing, expiring });
  return {
    state,
    tooltip: tooltip(state, unfinished.length, menu, { failed, conflict, asking, missing, expiring, needing }),
    menu,
    items: [
      { id: 'pauseAll', label: 'Pause all', enabled: uploading + queued > 0 },
      { id: 'resumeAll', label: 'Resume all', enabled: paused + failed + missing > 0 },
      { id: 'open', label: 'Open Hoist', enabled: true },
      { id: 'quit', label: 'Quit', enabled: true },
    ],
  };
}

interface Counts {
  uploading: number;
  queued: number;
  paused: number;
  failed: number;
  conflict: number;
  /** Folders waiting for the user to choose about objects that differ. */
  asking: number;
  missing: number;
  expiring: number;
}

function summary(unfinished: readonly TrayRow[], counts: Counts): TrayMenuSummary {
  if (unfinished.length === 0) return { files: 'No uploads in progress', percent: null, speed: '', timeLeft: '' };
  const parts = [
    [counts.uploading, 'uploading'],
    [counts.queued, 'waiting'],
    [counts.paused, 'paused'],
    [counts.failed, 'failed'],
    [counts.conflict, 'changed on disk'],
    [counts.asking, 'waiting for your choice'],
    [counts.missing, 'missing on disk'],
    [counts.expiring, 'expiring soon'],
  ]
    .filter(([n]) => (n as number) > 0)
    .map(([n, label]) => `${n} ${label}`);

  const total = unfinished.reduce((sum, upload) => sum + upload.bytesTotal, 0);
  const done = unfinished.reduce((sum, upload) => sum + Math.min(upload.bytesDone, upload.bytesTotal), 0);
  const percent = total > 0 ? Math.floor((done * 100) / total) : 0;

  const active = unfinished.filter((upload) => upload.state === 'uploading' || upload.state === 'queued');
  const bytesPerSecond = active.reduce((sum, upload) => sum + (upload.state === 'uploading' ? upload.speed : 0), 0);
  const remaining = active.reduce((sum, upload) => sum + Math.max(0, upload.bytesTotal - upload.bytesDone), 0);

  return {
    files: `${plural(unfinished.length, 'file')}${parts.length ? `: ${parts.join(', ')}` : ''}`,
    percent,
    speed: bytesPerSecond > 0 ? `${formatBytes(Math.round(bytesPerSecond))}/s` : '',
    timeLeft: bytesPerSecond > 0 ? `${formatDuration(remaining / bytesPerSecond)} left` : '',
  };
}

function tooltip(
  state: TrayState,
  unfinished: number,
  menu: TrayMenuSummary,
  counts: Pick<Counts, 'failed' | 'conflict' | 'asking' | 'missing' | 'expiring'> & { needing: number },
): string {
  const progress = [menu.percent === null ? '' : `${menu.percent}%`, menu.speed, menu.timeLeft].filter(Boolean).join(' · ');
  switch (state) {
    case 'idle':
      return 'Hoist: no uploads in progress';
    case 'uploading':
      return `Hoist: uploading ${plural(unfinished, 'file')}, ${progress}`;
    case 'paused':
      return `Hoist: ${plural(unfinished, 'file')} paused, ${progress}`;
    case 'attention': {
      const reasons = [
        counts.failed ? `${counts.failed} failed` : '',
        counts.conflict ? `${counts.conflict} changed on disk` : '',
        counts.asking ? `${counts.asking} waiting for your choice` : '',
        counts.missing ? `${counts.missing} missing on disk` : '',
        counts.expiring ? `${counts.expiring} expiring soon` : '',
      ].filter(Boolean);
      return `Hoist: ${counts.needing === 1 ? '1 upload needs' : `${counts.needing} uploads need`} attention (${reasons.join(', ')})`;
    }
  }
}
