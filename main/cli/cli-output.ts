import { isExpiringSoon } from '../../shared/domain/tray-view.ts';
import type { TrayViewOptions } from '../../shared/domain/tray-view.ts';
import type { UploadSnapshot } from '../../shared/domain/upload-snapshot.ts';
import { formatBytes, formatDuration } from '../../shared/domain/units.ts';

/** Uploads as `status` prints them; `expiringSoon`: the server will discard it within the warning threshold. */
export function printStatus(uploads: readonly UploadSnapshot[], json: boolean, expiry: TrayViewOptions): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(uploads.map((upload) => ({ ...upload, expiringSoon: isExpiringSoon(upload, expiry) })))}\n`);
    return;
  }
  if (uploads.length === 0) {
    process.stdout.write('no uploads\n');
    return;
  }
  for (const upload of uploads) {
    const percent = upload.bytesTotal === 0 ? 100 : Math.floor((upload.bytesDone / upload.bytesTotal) * 100);
    const expiring = isExpiringSoon(upload, expiry) && upload.expiresAt ? `the server discards it at ${upload.expiresAt}: finish it before then` : '';
    const extra = [expiring, upload.restarts ? `restarted ${upload.restarts}×` : '', upload.lastError ?? ''].filter(Boolean).join('; ');
    process.stdout.write(
      `${upload.id}  ${upload.state.padEnd(9)} ${String(percent).padStart(3)}%  ${formatBytes(upload.bytesDone)}/${formatBytes(upload.bytesTotal)}  ` +
        `parts ${upload.partsDone}/${upload.partsTotal}  s3://${upload.bucket}/${upload.key}  ${upload.path}${extra ? `  (${extra})` : ''}\n`,
    );
  }
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
