import { existsSync, renameSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { salvageStateDatabase } from './salvage-state.ts';
import type { Salvage } from './salvage-state.ts';

export interface Recovery {
  /** Where the damaged database is now (its -wal and -shm beside it, renamed alike). */
  movedTo: string;
  /** What SQLite said about it. */
  reason: string;
  salvage: Salvage;
}

/** The companion files SQLite keeps beside a database in WAL mode. */
const COMPANIONS = ['-wal', '-shm'];

/**
 * Moves a damaged state database aside (never deletes it: the user may want
 * it, or a tool may recover more of it) to `<file>.damaged-<ISO time>` in the
 * same directory, with its -wal and -shm renamed alike so that SQLite still
 * pairs them, and reads from it what it can. The caller opens a new database
 * at `file` and rebuilds from the salvage. Must only run while this process
 * holds the state directory's lock: another process with the file open would
 * go on writing to the moved file.
 */
export function setAsideDamagedDatabase(file: string, reason: string, now = new Date()): Recovery {
  const movedTo = freeName(`${file}.damaged-${isoBasic(now)}`);
  try {
    renameSync(file, movedTo);
  } catch (error) {
    throw new Error(
      `The state database at ${file} is damaged and could not be moved aside (${(error as Error).message}). ` +
        'Move it away yourself to start with a new one, or use another --state-dir.',
      { cause: error },
    );
  }
  // The WAL holds the latest commits: it goes with its database, or they would be lost for the salvage.
  for (const suffix of COMPANIONS) {
    if (existsSync(file + suffix)) renameSync(file + suffix, movedTo + suffix);
  }
  return { movedTo, reason, salvage: salvageStateDatabase(movedTo) };
}

/** Puts the salvaged targets and settings into the new database (the app finds its targets again, with their credentials). */
export function restoreSalvagedConfig(db: Database.Database, salvage: Salvage): void {
  const target = db.prepare('INSERT OR IGNORE INTO targets (id, data, position) VALUES (?, ?, ?)');
  const setting = db.prepare('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)');
  db.transaction(() => {
    for (const t of salvage.targets) target.run(t.id, t.data, t.position);
    for (const s of salvage.settings) setting.run(s.key, s.value);
  })();
}

/** The one line a person reads first: what happened, where the old file is, what could be read from it. */
export function describeRecovery(recovery: Recovery): string {
  const { uploads, folders, targets, settings, problems } = recovery.salvage;
  const count = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  // Folders are named only when there were some: most databases never had one.
  const folderCount = folders.length > 0 ? `${count(folders.length, 'folder')}, ` : '';
  const read = `${folderCount}${count(uploads.length, 'upload')}, ${count(targets.length, 'target')} and ${count(settings.length, 'setting')} could be read from it`;
  return (
    `the state database was damaged (${recovery.reason}); it was moved aside to ${recovery.movedTo} and a new one started. ` +
    `${read}${problems.length > 0 ? ` (not all: ${problems.join('; ')})` : ''}`
  );
}

/** ISO 8601 in its basic form (20250102T030405Z): no colons, which some file systems refuse in names. */
function isoBasic(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
}

function freeName(candidate: string): string {
  let name = candidate;
  for (let n = 2; existsSync(name) || COMPANIONS.some((suffix) => existsSync(name + suffix)); n += 1) name = `${candidate}-${n}`;
  return name;
}
