import type { FolderRecord, FolderTotals } from '../engine/ports/folder-store.ts';
import { isExpiringSoon } from '../../shared/domain/tray-view.ts';
import type { TrayViewOptions } from '../../shared/domain/tray-view.ts';
import type { UploadSnapshot } from '../../shared/domain/upload-snapshot.ts';
import { formatBytes, formatDuration } from '../../shared/domain/units.ts';

/** Uploads as `status` prints them; `expiringSoon`: the server will discard it within the warning threshold. */
export function printStatus(uploads: readonly UploadSnapshot[], json: boolean, expiry: TrayViewOptions, folders: readonly FolderView[] = []): void {
  if (json) {
    const entries = [...uploads.map((upload) => ({ ...upload, expiringSoon: isExpiringSoon(upload, expiry) })), ...folders.map(folderJson)];
    process.stdout.write(`${JSON.stringify(entries)}\n`);
    return;
  }
  for (const view of folders) process.stdout.write(`${folderLine(view)}\n`);
  if (uploads.length === 0 && folders.length === 0) {
    process.stdout.write('no uploads\n');
    return;
  }
  for (const upload of uploads) {
    const percent = upload.bytesTotal === 0 ? 100 : Math.floor((upload.bytesDone / upload.bytesTotal) * 100);
    const expiring = isExpiringSoon(upload, expiry) && upload.expiresAt ? `the server discards it at ${upload.expiresAt}: finish it before then` : '';
    const extra = [expiring, upload.restarts ? `restarted ${upload.restarts}×` : '', upload.lastError ?? ''].filter(Boolean).join('; ');
    process.stdout.write(
      `${upload.id}  ${stateWords(upload.state).padEnd(9)} ${String(percent).padStart(3)}%  ${formatBytes(upload.bytesDone)}/${formatBytes(upload.bytesTotal)}  ` +
        `parts ${upload.partsDone}/${upload.partsTotal}  s3://${upload.bucket}/${upload.key}  ${upload.path}${extra ? `  (${extra})` : ''}\n`,
    );
  }
}

/**
 * A state as `status` says it to a person (`--json` keeps the state's name).
 * An upload recorded as queued is one a run was stopped in (Ctrl-C, a kill, a
 * shutdown): nothing is wrong with it and the next `resume` or the app's next
 * start continues it, which "queued" did not say.
 */
export function stateWords(state: UploadSnapshot['state']): string {
  return state === 'queued' ? 'interrupted, will resume' : state;
}

/** One self-rewriting progress line on a terminal; silent otherwise (logs still go through). */
export class ProgressLine {
  private readonly latest = new Map<string, UploadSnapshot>();
  private drawn = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly live: boolean,
  ) {}

  update(uploads: readonly UploadSnapshot[]): void {
    for (const upload of uploads) this.latest.set(upload.id, upload);
    if (!this.live) return;
    let done = 0;
    let total = 0;
    let speed = 0;
    for (const upload of this.latest.values()) {
      done += upload.bytesDone;
      total += upload.bytesTotal;
      speed += upload.speed;
    }
    const percent = total === 0 ? 100 : Math.floor((done / total) * 100);
    const eta = speed > 0 ? formatDuration((total - done) / speed) : '?';
    this.out.write(`\r\x1b[K${percent}%  ${formatBytes(done)}/${formatBytes(total)}  ${formatBytes(speed)}/s  ETA ${eta}`);
    this.drawn = true;
  }

  log(message: string): void {
    if (this.drawn) this.out.write('\r\x1b[K');
    this.out.write(`hoist: ${message}\n`);
  }

  finish(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}

type FolderView = { folder: FolderRecord; totals: FolderTotals; running: boolean };

/** A folder upload as one entry: its state and its files by state. */
function folderJson({ folder, totals }: FolderView) {
  const { id, path, bucket, prefix, state, startedAt, walkedAt, completedAt, lastError } = folder;
  return { kind: 'folder', id, path, bucket, prefix, state, startedAt, walkedAt, completedAt, lastError, files: totals };
}

function folderLine({ folder, totals }: FolderView): string {
  const sendable = (Object.keys(totals) as Array<keyof FolderTotals>).filter((state) => state !== 'problem');
  const files = sendable.reduce((sum, state) => sum + totals[state].files, 0);
  const bytes = sendable.reduce((sum, state) => sum + totals[state].bytes, 0);
  // Kept files are settled (the user kept the server's object): finished, but counted apart from sent and already there.
  const finished = totals.done.files + totals.there.files + totals.kept.files;
  const finishedBytes = totals.done.bytes + totals.there.bytes + totals.kept.bytes;
  const notSent = totals.failed.files + totals.changed.files + totals.removed.files + totals.problem.files;
  const differ = totals.differs.files;
  const state =
    folder.state === 'paused' || (folder.state === 'walking' && folder.walkedAt === null) ? 'interrupted, will resume' : folder.state === 'asking' ? 'waiting for a choice' : folder.state;
  const extra = [
    totals.there.files ? `${totals.there.files} already there` : '',
    totals.kept.files ? `${totals.kept.files} kept as on the server` : '',
    notSent ? `${notSent} not sent` : '',
    differ ? `${differ} differ from the objects at their keys: the app decides, or cancel and upload again with --if-exists overwrite` : '',
    folder.state === 'asking' ? '' : (folder.lastError ?? ''),
  ]
    .filter(Boolean)
    .join('; ');
  return `${folder.id}  folder ${state}  files ${finished}/${files}${folder.walkedAt === null ? ' (walk unfinished)' : ''}  ${formatBytes(finishedBytes)}/${formatBytes(bytes)}  s3://${folder.bucket}/${folder.prefix}  ${folder.path}${extra ? `  (${extra})` : ''}`;
}

/**
 * What to type after a conflict stopped an upload: the choices `resume`
 * takes (`--on-change`), or cancel; with the CLI named as it was started.
 * Nothing when the message already names them (an object another writer put at the key).
 */
export function conflictAdvice(id: string, error: string | null, cli: string): string {
  if (error?.includes('--on-change')) return '';
  return `; to go on, run \`${cli} resume --on-change restart\` (send the new version from the start) or \`${cli} resume --on-change reuse\` (keep the parts it still has), or \`${cli} cancel ${id}\``;
}
