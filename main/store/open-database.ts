import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { StateStoreFullError } from '../engine/errors.ts';
import { migrate } from './migrate.ts';

/** The file exists but is not a readable SQLite database. It is left as it is, for the user to inspect. */
export class StateDatabaseCorruptError extends Error {
  override readonly name = 'StateDatabaseCorruptError';
  readonly file: string;

  constructor(file: string, cause: unknown) {
    super(
      `The state database at ${file} is damaged or is not a Hoist state database. ` +
        'Hoist has not changed it. Move the file aside to start with empty state (progress recorded in it is lost), ' +
        'or use another --state-dir.',
      { cause },
    );
    this.file = file;
  }
}

function isCorruption(error: unknown): boolean {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT'));
}

/** Opens (creating if needed) the state database at `file` and brings its schema up to date. */
export function openStateDatabase(file: string): Database.Database {
  // The state holds bucket names, local paths and access key ids: keep the directory private.
  if (file !== ':memory:') {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // mkdir's mode only applies to a directory it creates: one made by an older version, or by hand, is fixed here.
    makePrivate(dirname(file), 0o700);
  }

  let db: Database.Database;
  try {
    db = new Database(file);
  } catch (error) {
    throw isCorruption(error) ? new StateDatabaseCorruptError(file, error) : error;
  }
  try {
    db.pragma('journal_mode = WAL');
    // SQLite creates files 0644 (less the umask) and gives the WAL and shared-memory files the database's mode:
    // set on the database, and on the two files in case an older version left them readable.
    if (file !== ':memory:') for (const path of [file, `${file}-wal`, `${file}-shm`]) makePrivate(path, 0o600);
    // WAL with synchronous = NORMAL may lose the last commits on power loss.
    // The engine records a part's MD5 before sending it and relies on that
    // record surviving a crash; FULL syncs the WAL on every commit, and the
    // writes are few (one or two per part), so the cost is small.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The GUI and the CLI may open the same state directory; wait for a
    // writer briefly rather than failing at once.
    db.pragma('busy_timeout = 5000');
    limitPagesForTests(db);
    // Opening reads only the first page; damage further in would otherwise
    // surface later, in the middle of an upload. quick_check reads every page
    // once (milliseconds for a database of thousands of parts), and runs before
    // migrations so that a damaged file is never written to.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(`quick_check: ${String(check)}`), { code: 'SQLITE_CORRUPT' });
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    if (isCorruption(error)) throw new StateDatabaseCorruptError(file, error);
    if ((error as { code?: unknown }).code === 'SQLITE_FULL') throw new StateStoreFullError(file, { cause: error });
    throw error;
  }
}

/**
 * Test hook: HOIST_TEST_MAX_PAGE_COUNT=N caps the database at N pages on this
 * connection (PRAGMA max_page_count), so a write that needs a new page fails
 * with SQLITE_FULL exactly as on a full disk. Tests use it to check that a
 * full disk stops uploads cleanly and that nothing is recorded wrongly.
 * Inert unless the variable is set.
 */
function limitPagesForTests(db: Database.Database): void {
  const limit = Number(process.env.HOIST_TEST_MAX_PAGE_COUNT);
  if (Number.isInteger(limit) && limit > 0) db.pragma(`max_page_count = ${limit}`);
}

/**
 * Best effort: a file that is not there yet is made with the database's mode
 * later, and one owned by another user (a state directory shared on purpose)
 * cannot be changed by us, and is not a reason to refuse to start.
 */
function makePrivate(path: string, mode: number): void {
  try {
    chmodSync(path, mode);
  } catch {
    // See above.
  }
}
