import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';
import sources from './004-sources.ts';
import folders from './005-folders.ts';
import folderDiffers from './006-folder-differs.ts';
import keyGuard from './007-key-guard.ts';

const UP_TO_6 = [initial, appState, integrity, sources, folders, folderDiffers];

describe('migration 007-key-guard', () => {
  let db: Database.Database;

  // A database as Hoist with migrations up to 006 left it, with an upload half done.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, UP_TO_6);
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, restarts, checksum_algorithm, source_missing)
        VALUES ('u1', 'mpu-1', NULL, 'us-east-1', 0, 'b', 'k', '/data/f.bin', 10, 5, 0, '1', '1:2', 'fp', 100, 200, 'paused', 0, NULL, 0)`,
    ).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 6 database: existing uploads keep every value and are not guarded (nothing known of their key)', () => {
    const before = db.prepare('SELECT * FROM uploads').all();
    migrate(db, [...UP_TO_6, keyGuard]);
    expect(keyGuard.version).toBe(7);
    expect(db.pragma('user_version', { simple: true })).toBe(7);
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(before.map((row) => ({ ...(row as object), key_at_start: null, foreign_object: null })));
  });
});
