import type Database from 'better-sqlite3';

/**
 * One schema step. Versions start at 1 and have no gaps: the database's
 * `PRAGMA user_version` is the version of the last step applied to it.
 * A step is never edited once released; a change is a new numbered file.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
