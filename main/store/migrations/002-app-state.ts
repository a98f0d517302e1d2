import type { Migration } from './migration.ts';

// The desktop app's state next to the uploads: which saved target an upload
// belongs to, a changed source waiting for the user's decision, when the
// server will discard the unfinished multipart upload, and the app's own
// settings and targets (JSON, validated by the app layer when read).
const migration: Migration = {
  version: 2,
  name: 'app-state',
  up(db) {
    db.exec(`
      ALTER TABLE uploads ADD COLUMN target_id TEXT NULL;
      ALTER TABLE uploads ADD COLUMN conflict TEXT NULL;
      ALTER TABLE uploads ADD COLUMN expires_at INTEGER NULL;

      CREATE TABLE settings (
        key   TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      );

      CREATE TABLE targets (
        id       TEXT PRIMARY KEY NOT NULL,
        data     TEXT NOT NULL,
        position INTEGER NOT NULL
      );
    `);
  },
};

export default migration;
