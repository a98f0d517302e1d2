import type { Migration } from './migration.ts';

// What integrity checks each upload and target use:
// - checksum_algorithm: the algorithm the multipart upload was created with
//   ('sha256'), whose per-part value then travels with every part and with
//   Complete; null when the target does not verify it and only Content-MD5 goes.
// - source_missing: the source file was gone or unreadable at the last check;
//   the upload and its server parts are kept until the user decides.
// - target_capabilities: what a server was found to do with Content-MD5 and
//   checksum headers, probed once per endpoint and bucket (JSON, validated when read).
const migration: Migration = {
  version: 3,
  name: 'integrity',
  up(db) {
    db.exec(`
      ALTER TABLE uploads ADD COLUMN checksum_algorithm TEXT NULL CHECK (checksum_algorithm IN ('sha256'));
      ALTER TABLE uploads ADD COLUMN source_missing INTEGER NOT NULL DEFAULT 0 CHECK (source_missing IN (0, 1));

      CREATE TABLE target_capabilities (
        endpoint  TEXT NOT NULL,
        bucket    TEXT NOT NULL,
        data      TEXT NOT NULL,
        probed_at INTEGER NOT NULL,
        PRIMARY KEY (endpoint, bucket)
      );
    `);
  },
};

export default migration;
