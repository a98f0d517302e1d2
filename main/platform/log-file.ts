import { closeSync, fchmodSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { logLine } from './redact-secrets.ts';

export interface LogFileOptions {
  /** The live file, e.g. ~/.config/Hoist/logs/hoist.log; rotated ones get .1, .2, … */
  path: string;
  /** The live file is rotated before it would grow past this. */
  maxBytes?: number;
  /** Rotated files kept besides the live one (the oldest is deleted). */
  keep?: number;
  now?: () => Date;
  /** Told once if the file cannot be written; logging never stops the app. */
  onError?: (message: string) => void;
}

export const LOG_MAX_BYTES = 1024 * 1024;
export const LOG_KEEP = 3;

/**
 * The log a bug report asks for: one line per entry with its time, secrets
 * masked, readable by the user only (0600, like the state database), capped
 * at maxBytes × (keep + 1) on disk. Writes are synchronous, so the last lines
 * before a crash are in the file. Host-neutral: the desktop app passes
 * Electron's logs directory, the headless mode its state directory.
 */
export class LogFile {
  readonly path: string;
  private readonly maxBytes: number;
  private readonly keep: number;
  private readonly now: () => Date;
  private readonly onError: (message: string) => void;
  private fd: number | undefined;
  private size = 0;
  private failed = false;

  constructor(options: LogFileOptions) {
    this.path = options.path;
    this.maxBytes = options.maxBytes ?? LOG_MAX_BYTES;
    this.keep = options.keep ?? LOG_KEEP;
    this.now = options.now ?? (() => new Date());
    this.onError = options.onError ?? (() => undefined);
  }

  /** Appends one entry; a failure to write is reported once and then the file is left alone. */
  write(message: string): void {
    if (this.failed) return;
    try {
      const entry = Buffer.from(`${this.now().toISOString()} ${logLine(message)}\n`);
      if (this.fd === undefined) this.open();
      if (this.size > 0 && this.size + entry.length > this.maxBytes) this.rotate();
      writeSync(this.fd!, entry);
      this.size += entry.length;
    } catch (error) {
      this.failed = true;
      this.onError(`cannot write the log file ${this.path}: ${(error as Error).message}`);
    }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
    this.fd = openSync(this.path, 'a', 0o600);
    // A file made by an older version, or by hand, gets the same privacy.
    fchmodSync(this.fd, 0o600);
    this.size = fstatSync(this.fd).size;
  }

  /** hoist.log → hoist.log.1 → … → hoist.log.<keep>; the oldest is dropped. */
  private rotate(): void {
    this.close();
    if (this.keep === 0) rmSync(this.path, { force: true });
    else {
      rmSync(`${this.path}.${this.keep}`, { force: true });
      for (let n = this.keep - 1; n >= 1; n--) renameIfThere(`${this.path}.${n}`, `${this.path}.${n + 1}`);
      renameSync(this.path, `${this.path}.1`);
    }
    this.open();
  }
}

function renameIfThere(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/** A log function that writes each message to the file and passes it on (to stderr or the console) unchanged. */
export function teeLog(file: LogFile, next: (message: string) => void): (message: string) => void {
  return (message) => {
    file.write(message);
    next(message);
  };
}
