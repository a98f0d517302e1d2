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
  /**
   * The step rebuilds a table others reference (SQLite's way to change a
   * CHECK constraint: create the new table, copy, drop, rename). Dropping a
   * parent with foreign keys enforced would cascade the drop into its
   * children's rows, so the step runs with enforcement off, and its
   * transaction commits only if foreign_key_check then finds nothing broken.
   */
  rebuildsTables?: boolean;
}
