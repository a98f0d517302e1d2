import { join } from 'node:path';
import { STATE_DATABASE_FILE } from '../app-paths.ts';
import { StateDatabaseCorruptError } from './open-database.ts';
import { restoreSalvagedConfig, setAsideDamagedDatabase } from './recover-state.ts';
import type { Recovery } from './recover-state.ts';
import { SqliteStateStore } from './sqlite-state-store.ts';
import { acquireStateLock } from './state-lock.ts';
import type { StateLock } from './state-lock.ts';

export interface OpenedState {
  store: SqliteStateStore;
  /** Held when this process may write (see acquireStateLock). */
  lock: StateLock | undefined;
  /** Set when the database was damaged and replaced by a new one at this start. */
  recovery: Recovery | undefined;
  close(): void;
}

/**
 * Opens the state directory for the CLI and the app. With `lockFor` (what the
 * process does, for the message another one gets) it becomes the one writer
 * of the directory first; without it, it only reads (`status`).
 *
 * A damaged database does not stop Hoist: it is moved aside, a new one is
 * started with the targets and settings that could be read from the old one,
 * and `recovery` tells the caller what else was read (the uploads to rebuild
 * from the server: see rebuildFromSalvage). Recovery takes the lock even for a
 * reader, since moving a file another process writes would lose its writes.
 */
export function openState(stateDir: string, options: { lockFor?: string } = {}): OpenedState {
  let lock = options.lockFor ? acquireStateLock(stateDir, options.lockFor) : undefined;
  try {
    const file = join(stateDir, STATE_DATABASE_FILE);
    let recovery: Recovery | undefined;
    let store: SqliteStateStore;
    try {
      store = SqliteStateStore.open(file);
    } catch (error) {
      if (!(error instanceof StateDatabaseCorruptError)) throw error;
      lock ??= acquireStateLock(stateDir, 'recovering the state database');
      recovery = setAsideDamagedDatabase(file, causeOf(error));
      store = SqliteStateStore.open(file);
      restoreSalvagedConfig(store.database, recovery.salvage);
    }
    const held = lock;
    return {
      store,
      lock: held,
      recovery,
      close: () => {
        store.close();
        held?.release();
      },
    };
  } catch (error) {
    lock?.release();
    throw error;
  }
}

/** One line for the report: SQLite's own words, or the first of quick_check's findings and how many there were. */
function causeOf(error: StateDatabaseCorruptError): string {
  const text = error.cause instanceof Error ? error.cause.message : 'not a readable SQLite database';
  if (!text.startsWith('quick_check: ')) return text.split('\n')[0] ?? text;
  const findings = text
    .slice('quick_check: '.length)
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('*** '));
  const first = findings[0] ?? 'unreadable pages';
  return `quick_check found ${findings.length} problem${findings.length === 1 ? '' : 's'}: ${first}${findings.length > 1 ? ', …' : ''}`;
}
