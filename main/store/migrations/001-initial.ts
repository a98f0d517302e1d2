import type { Migration } from './migration.ts';

// "key" and "offset" are SQL keywords, so they are quoted wherever they appear.
const migration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE uploads (
        id           TEXT PRIMARY KEY NOT NULL,
        upload_id    TEXT NULL,
        endpoint     TEXT NULL,
        region       TEXT NOT NULL,
        path_style   INTEGER NOT NULL CHECK (path_style IN (0, 1)),
        bucket       TEXT NOT NULL,
        "key"        TEXT NOT NULL,
        path         TEXT NOT NULL,
        size         INTEGER NOT NULL CHECK (size >= 0),
        part_size    INTEGER NOT NULL CHECK (part_size >= 0),
        single_put   INTEGER NOT NULL CHECK (single_put IN (0, 1)),
        mtime_ns     TEXT NOT NULL,
        file_id      TEXT NOT NULL,
        fingerprint  TEXT NOT NULL,
        started_at   INTEGER NOT NULL,
        updated_at   INTEGER NOT NULL,
        completed_at INTEGER NULL,
        state        TEXT NOT NULL
                     CHECK (state IN ('queued', 'uploading', 'paused', 'completed', 'failed', 'cancelled')),
        last_error   TEXT NULL,
        restarts     INTEGER NOT NULL DEFAULT 0,
        etag         TEXT NULL
      );
      CREATE INDEX uploads_state ON uploads (state);
      CREATE INDEX uploads_path_bucket_key ON uploads (path, bucket, "key");

      CREATE TABLE parts (
        upload_record_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        part_number      INTEGER NOT NULL CHECK (part_number >= 1),
        "offset"         INTEGER NOT NULL CHECK ("offset" >= 0),
        size             INTEGER NOT NULL CHECK (size >= 0),
        state            TEXT NOT NULL CHECK (state IN ('pending', 'uploading', 'done')),
        etag             TEXT NULL,
        md5              TEXT NULL,
        checksum         TEXT NULL,
        updated_at       INTEGER NOT NULL,
        PRIMARY KEY (upload_record_id, part_number)
      ) WITHOUT ROWID;

      CREATE TABLE events (
        id               INTEGER PRIMARY KEY,
        upload_record_id TEXT NOT NULL REFERENCES uploads (id) ON DELETE CASCADE,
        at               INTEGER NOT NULL,
        kind             TEXT NOT NULL,
        message          TEXT NOT NULL
      );
      CREATE INDEX events_upload_record_id ON events (upload_record_id);
    `);
  },
};

export default migration;
