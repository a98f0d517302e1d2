import type { Migration } from './migration.ts';

// Sources other than a single file: a folder sent as one archive generated on
// the fly. source_kind says how the path is read; source_snapshot keeps the
// folder's listing (JSON) as it was when the upload started, so a change can
// be named file by file.
const migration: Migration = {
  version: 4,
  name: 'sources',
  up(db) {
    db.exec(`
      ALTER TABLE uploads ADD COLUMN source_kind TEXT NOT NULL DEFAULT 'file' CHECK (source_kind IN ('file', 'archive'));
      ALTER TABLE uploads ADD COLUMN source_snapshot TEXT NULL;
    `);
  },
};

export default migration;
