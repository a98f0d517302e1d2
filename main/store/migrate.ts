import type Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.ts';

/** The database was written by a newer Hoist: its schema is unknown here, so it is not touched. */
export class StateDatabaseTooNewError extends Error {
  override readonly name = 'StateDatabaseTooNewError';
  readonly file: string;
  readonly foundVersion: number;
  readonly supportedVersion: number;

  constructor(file: string, foundVersion: number, supportedVersion: number) {
    super(
      `The state database at ${file} was written by a newer version of Hoist ` +
        `(schema ${foundVersion}; this Hoist knows up to ${supportedVersion}). ` +
        'Update Hoist, or use another --state-dir.',
    );
    this.file = file;
    this.foundVersion = foundVersion;
    this.supportedVersion = supportedVersion;
  }
}

function userVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migration "${m.name}" has version ${m.version}, expected ${i + 1}: versions must run 1, 2, 3… without gaps.`);
    }
  });
}

/**
 * Brings the schema up to date. Each step runs in its own transaction that
 * also sets user_version, so a crash leaves the database at the previous
 * step, never half-way through one.
 *
 * `migrations` is a parameter only so tests can run steps of their own.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): void {
  checkOrder(migrations);
  const newest = migrations.length;
  const current = userVersion(db);
  if (current > newest) throw new StateDatabaseTooNewError(db.name, current, newest);

  for (const step of migrations) {
    if (step.version <= current) continue;
    // foreign_keys cannot change inside a transaction: it is turned off before one and back on after it.
    const enforced = step.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (enforced) db.pragma('foreign_keys = OFF');
    try {
      // IMMEDIATE takes the write lock before user_version is re-read, so two
      // processes opening the same fresh database cannot both apply a step.
      db.transaction(() => {
        if (userVersion(db) >= step.version) return;
        step.up(db);
        if (step.rebuildsTables) checkForeignKeys(db, step);
        db.pragma(`user_version = ${step.version}`);
      }).immediate();
    } finally {
      if (enforced) db.pragma('foreign_keys = ON');
    }
  }
}

/** A rebuild that left a row pointing nowhere is rolled back, never committed. */
function checkForeignKeys(db: Database.Database, step: Migration): void {
  const broken = db.pragma('foreign_key_check') as Array<{ table: string; parent: string }>;
  if (broken.length > 0) {
    const first = broken[0] as { table: string; parent: string };
    throw new Error(`Migration "${step.name}" left ${broken.length} row(s) of ${first.table} without their ${first.parent} row; nothing was changed.`);
  }
}
