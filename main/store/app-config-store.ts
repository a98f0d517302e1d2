import type Database from 'better-sqlite3';
import { migrate } from './migrate.ts';

/**
 * The desktop app's settings and saved targets, in the state database next
 * to the uploads (same file, same connection: see SqliteStateStore.database).
 * Values are stored as JSON and returned as parsed, unvalidated: the app layer
 * owns the schemas (zod, in the IPC contract) and decides what to do with a
 * stored value that no longer validates.
 */
export class SqliteAppConfigStore {
  private readonly s: Statements;

  /** Takes an open database; migrates it if needed (a no-op when the state store already did). */
  constructor(db: Database.Database) {
    migrate(db);
    this.s = prepareStatements(db);
  }

  getSettings(): Record<string, unknown> {
    const settings: Record<string, unknown> = {};
    for (const row of this.s.settings.all()) {
      const value = parseJson(row.value);
      if (value !== undefined) settings[row.key] = value;
    }
    return settings;
  }

  /** Stores one setting; `undefined` removes it (the app's default applies again). */
  setSetting(key: string, value: unknown): void {
    if (value === undefined) this.s.deleteSetting.run(key);
    else this.s.setSetting.run(key, toJson(value, `setting ${key}`));
  }

  /** Every saved target's data, in the order they were first saved. */
  listTargets(): unknown[] {
    return this.s.targets.all().flatMap((row) => {
      const data = parseJson(row.data);
      return data === undefined ? [] : [data];
    });
  }

  /** Inserts or replaces the target's data; a replaced target keeps its position, a new one goes last. */
  saveTarget(id: string, data: unknown): void {
    this.s.saveTarget.run(id, toJson(data, `target ${id}`));
  }

  removeTarget(id: string): void {
    this.s.removeTarget.run(id);
  }
}

function prepareStatements(db: Database.Database) {
  return {
    settings: db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key'),
    setSetting: db.prepare<[string, string]>(
      'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ),
    deleteSetting: db.prepare<[string]>('DELETE FROM settings WHERE key = ?'),
    targets: db.prepare<[], { data: string }>('SELECT data FROM targets ORDER BY position, id'),
    // A new target goes last; saving an existing one keeps its place.
    saveTarget: db.prepare<[string, string]>(
      `INSERT INTO targets (id, data, position) VALUES (?, ?, (SELECT COALESCE(MAX(position), -1) + 1 FROM targets))
        ON CONFLICT (id) DO UPDATE SET data = excluded.data`,
    ),
    removeTarget: db.prepare<[string]>('DELETE FROM targets WHERE id = ?'),
  };
}

type Statements = ReturnType<typeof prepareStatements>;

/** A value damaged outside Hoist reads as absent, so one bad row cannot keep the app from starting. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function toJson(value: unknown, what: string): string {
  const json = JSON.stringify(value);
  // JSON.stringify returns undefined for functions and symbols: refuse rather than store nothing.
  if (json === undefined) throw new TypeError(`${what} cannot be stored: it is not JSON`);
  return json;
}
