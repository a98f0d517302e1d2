import type { Migration } from './migration.ts';

// Asking before overwriting an object that differs (the app's folders):
// - folders.if_exists may be 'ask': a file whose key holds a different object
//   is not sent but waits for the user;
// - folders.state may be 'asking': all else is settled, the user's choice is awaited;
// - folder_files.state may be 'differs' (waiting for that choice) or 'kept'
//   (the user kept the server's object);
// - folder_files.agreed_etag: the ETag of the object the user agreed to
//   overwrite, so that only that object is ever replaced.
// SQLite cannot alter a CHECK constraint, so both tables are rebuilt the way
// its documentation describes (new table, copy, drop, rename), with foreign
// key enforcement off for the step (rebuildsTables): dropping the old folders
// table would otherwise cascade into folder_files and into the uploads of the
// folders' big files. The indexes of 005 are made again on the new tables.
const migration: Migration = {
  version: 6,
  name: 'folder-differs',
  rebuildsTables: true,
  up(db) {
    db.exec(`
      CREATE TABLE folders_new (
        id           TEXT PRIMARY KEY NOT NULL,
        path         TEXT NOT NULL,
        endpoint     TEXT NULL,
        region       TEXT NOT NULL,
        path_style   INTEGER NOT NULL CHECK (path_style IN (0, 1)),
        bucket       TEXT NOT NULL,
        prefix       TEXT NOT NULL,
        target_id    TEXT NULL,
        part_size    INTEGER NOT NULL CHECK (part_size > 0),
        if_exists    TEXT NOT NULL CHECK (if_exists IN ('skip-identical', 'overwrite', 'fail', 'ask')),
        state        TEXT NOT NULL CHECK (state IN ('walking', 'sending', 'completed', 'failed', 'paused', 'cancelled', 'asking')),
        started_at   INTEGER NOT NULL,
        walked_at    INTEGER NULL,
        completed_at INTEGER NULL,
        updated_at   INTEGER NOT NULL,
        last_error   TEXT NULL
      );
      INSERT INTO folders_new (id, path, endpoint, region, path_style, bucket, prefix, target_id, part_size, if_exists, state, started_at, walked_at, completed_at, updated_at, last_error)
        SELECT id, path, endpoint, region, path_style, bucket, prefix, target_id, part_size, if_exists, state, started_at, walked_at, completed_at, updated_at, last_error FROM folders;
      DROP TABLE folders;
      ALTER TABLE folders_new RENAME TO folders;
      CREATE INDEX folders_state ON folders (state);

      CREATE TABLE folder_files_new (
        folder_id        TEXT NOT NULL REFERENCES folders (id) ON DELETE CASCADE,
        rel_path         TEXT NOT NULL,
        size             INTEGER NOT NULL CHECK (size >= 0),
        mtime_ns         TEXT NOT NULL,
        file_id          TEXT NOT NULL,
        state            TEXT NOT NULL
                         CHECK (state IN ('pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem', 'differs', 'kept')),
        md5              TEXT NULL,
        etag             TEXT NULL,
        upload_record_id TEXT NULL,
        message          TEXT NULL,
        agreed_etag      TEXT NULL,
        PRIMARY KEY (folder_id, rel_path)
      ) WITHOUT ROWID;
      INSERT INTO folder_files_new (folder_id, rel_path, size, mtime_ns, file_id, state, md5, etag, upload_record_id, message)
        SELECT folder_id, rel_path, size, mtime_ns, file_id, state, md5, etag, upload_record_id, message FROM folder_files;
      DROP TABLE folder_files;
      ALTER TABLE folder_files_new RENAME TO folder_files;
      -- Covers the per-state counts of a folder's progress line (folder, state, size): no table rows read.
      CREATE INDEX folder_files_state ON folder_files (folder_id, state, size);
    `);
  },
};

export default migration;
