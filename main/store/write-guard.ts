import type Database from 'better-sqlite3';
import { StateStoreFullError } from '../engine/errors.ts';

/**
 * Runs a write. SQLite rolls back a statement or transaction that fails for
 * want of space (at the statement, or at commit when the WAL cannot grow),
 * so nothing half-written remains; the error says so, and what to do.
 */
export function guardedWrite<T>(db: Database.Database, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if ((error as { code?: unknown }).code === 'SQLITE_FULL' && !(error instanceof StateStoreFullError)) {
      throw new StateStoreFullError(db.name, { cause: error });
    }
    throw error;
  }
}
