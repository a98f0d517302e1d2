import type { Migration } from './migration.ts';

// A folder sent as one object per file. The folder is one row; each of its
// files one row of folder_files, recorded in batches as the folder is walked
// (a folder of 100,000 files must not cost 100,000 transactions). A small file
// lives entirely there: its state, and the MD5 and ETag once sent. A file big
// enough for a multipart upload gets an uploads row of its own (its parts,
// reconciliation and expiry work as for any file), named by upload_record_id
// and marked with its folder in uploads.folder_id. Entries that are not sent
// (a symbolic link, an unreadable file, a name that cannot be a key) are kept
// as 'problem' rows so the report survives a restart.
const migration: Migration = {
  version: 5,
  name: 'folders',
  up(db) {
    db.exec(`
      CREATE TABLE folders (
        id           TEXT PRIMARY KEY NOT NULL,
        path         TEXT NOT NULL,
        endpoint     TEXT NULL,
        region       TEXT NOT NULL,
        path_style   INTEGER NOT NULL CHECK (path_style IN (0, 1)),
        bucket       TEXT NOT NULL,
        prefix       TEXT NOT NULL,
        target_id    TEXT NULL,
        part_size    INTEGER NOT NULL CHECK (part_size > 0),
        if_exists    TEXT NOT NULL CHECK (if_exists IN ('skip-identical', 'overwrite', 'fail')),
        state        TEXT NOT NULL CHECK (state IN ('walking', 'sending', 'completed', 'failed', 'paused', 'cancelled')),
        started_at   INTEGER NOT NULL,
        walked_at    INTEGER NULL,
        completed_at INTEGER NULL,
        updated_at   INTEGER NOT NULL,
        last_error   TEXT NULL
      );
      CREATE INDEX folders_state ON folders (state);

      CREATE TABLE folder_files (
        folder_id        TEXT NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        rel_path         TEXT NOT NULL,
        size             INTEGER NOT NULL CHECK (size >= 0),
        mtime_ns         TEXT NOT NULL,
        file_id          TEXT NOT NULL,
        state            TEXT NOT NULL
                         CHECK (state IN ('pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem')),
        md5              TEXT NULL,
        etag             TEXT NULL,
        upload_record_id TEXT NULL,
        message          TEXT NULL,
        PRIMARY KEY (folder_id, rel_path)
      ) WITHOUT ROWID;
      -- Covers the per-state counts of a folder's progress line (folder, state, size): no table rows read.
      CREATE INDEX folder_files_state ON folder_files (folder_id, state, size);

      ALTER TABLE uploads ADD COLUMN folder_id TEXT NULL REFERENCES folders (id) ON DELETE CASCADE;
      CREATE INDEX uploads_folder_id ON uploads (folder_id);
    `);
  },
};

export default migration;
