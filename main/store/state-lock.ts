import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export const STATE_LOCK_FILE = 'state.lock';

export interface LockOwner {
  pid: number;
  host: string;
  /** What the owner is doing, for the message ("hoist upload", "the Hoist app"). */
  what: string;
  since: number;
}

/** Another process writes to the state directory: this one must not. */
export class StateLockHeldError extends Error {
  override readonly name = 'StateLockHeldError';
  constructor(
    readonly stateDir: string,
    readonly owner: LockOwner | undefined,
  ) {
    super(
      `another Hoist (${describeOwner(owner)}) is using the state directory ${stateDir}; only one Hoist writes to it at a time. ` +
        'Wait until it finishes (or stop it), then try again; `hoist status` works meanwhile.',
    );
  }
}

export interface StateLock {
  readonly file: string;
  release(): void;
}

/** Lock files taken by this process: a second acquisition here is refused at once. */
const heldHere = new Set<string>();

/**
 * Makes this process the only writer of the state directory, until release()
 * or the process ends, however it ends.
 *
 * The lock is a write transaction held open on a small SQLite file beside the
 * state database. The operating system drops that file lock when the process
 * dies (even by SIGKILL or a power cut), so a lock is never stale: no PID
 * checks, no takeover races, nothing to clean up. The owner's PID is committed
 * in the same file first, so a refused process can name it (readers are not
 * blocked by a held write transaction). The file is never deleted: deleting a
 * lock file lets two processes lock two different files of the same name.
 */
export function acquireStateLock(stateDir: string, what: string): StateLock {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const file = join(stateDir, STATE_LOCK_FILE);
  if (heldHere.has(file)) throw new StateLockHeldError(stateDir, { pid: process.pid, host: hostname(), what: 'this process', since: Date.now() });
  let db: Database.Database;
  try {
    // No busy wait: a held lock is refused at once, not after seconds.
    db = new Database(file, { timeout: 0 });
  } catch (error) {
    throw lockFileError(file, error);
  }
  try {
    for (let attempt = 0; ; attempt += 1) {
      if (!tryBegin(db, file)) throw new StateLockHeldError(stateDir, readOwner(db));
      recordOwner(db, what);
      // Between the commit and this, another process may have taken it: then it is the writer.
      if (tryBegin(db, file)) break;
      if (attempt >= 3) throw new StateLockHeldError(stateDir, readOwner(db));
    }
  } catch (error) {
    db.close();
    throw error;
  }
  heldHere.add(file);
  return {
    file,
    release: () => {
      if (!db.open) return;
      db.close();
      heldHere.delete(file);
    },
  };
}

function tryBegin(db: Database.Database, file: string): boolean {
  try {
    db.exec('BEGIN IMMEDIATE');
    return true;
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return false;
    throw lockFileError(file, error);
  }
}

function recordOwner(db: Database.Database, what: string): void {
  db.exec('CREATE TABLE IF NOT EXISTS owner (pid INTEGER NOT NULL, host TEXT NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)');
  db.exec('DELETE FROM owner');
  db.prepare('INSERT INTO owner (pid, host, what, since) VALUES (?, ?, ?, ?)').run(process.pid, hostname(), what, Date.now());
  // A refused process may be reading the owner row this instant: the commit waits for it.
  db.pragma('busy_timeout = 2000');
  try {
    db.exec('COMMIT');
  } finally {
    db.pragma('busy_timeout = 0');
  }
}

/** The holder's row; undefined when it cannot be read (the holder has not committed it yet). */
function readOwner(db: Database.Database): LockOwner | undefined {
  db.pragma('busy_timeout = 1000');
  try {
    const row = db.prepare('SELECT pid, host, what, since FROM owner LIMIT 1').get() as LockOwner | undefined;
    // Our own row (we lost the race above, or held it earlier): the holder's is not committed yet.
    if (row && row.pid === process.pid && row.host === hostname()) return undefined;
    return row;
  } catch {
    return undefined;
  } finally {
    db.pragma('busy_timeout = 0');
  }
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'process unknown';
  const where = owner.host === hostname() ? '' : ` on ${owner.host}`;
  return `pid ${owner.pid}${where}${owner.what ? `, ${owner.what}` : ''}`;
}

function lockFileError(file: string, error: unknown): Error {
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'))) {
    return new Error(`the lock file ${file} is damaged: make sure no other Hoist is running, delete it, and try again`, { cause: error });
  }
  return new Error(`cannot use the lock file ${file}: ${(error as Error).message}`, { cause: error });
}
