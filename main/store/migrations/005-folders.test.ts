import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';
import sources from './004-sources.ts';
import folders from './005-folders.ts';

describe('migration 005-folders', () => {
  let db: Database.Database;

  // A database as Hoist with migrations up to 004 left it, with an upload half done.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initial, appState, integrity, sources]);
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, restarts, checksum_algorithm, source_missing)
        VALUES ('u1', 'mpu-1', NULL, 'us-east-1', 0, 'b', 'k', '/data/f.bin', 10, 5, 0, '1', '1:2', 'fp', 100, 200, 'paused', 0, NULL, 0)`,
    ).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 4 database: existing uploads belong to no folder', () => {
    const before = db.prepare('SELECT * FROM uploads').all();
    migrate(db, [initial, appState, integrity, sources, folders]);
    expect(folders.version).toBe(5);
    expect(db.pragma('user_version', { simple: true })).toBe(5);
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(before.map((row) => ({ ...(row as object), folder_id: null })));
  });

  it('keeps a folder with its files, and removes them with it', () => {
    migrate(db, [initial, appState, integrity, sources, folders]);
    db.prepare(
      `INSERT INTO folders (id, path, endpoint, region, path_style, bucket, prefix, target_id, part_size, if_exists, state, started_at, updated_at)
       VALUES ('f1', '/data/photos', NULL, 'us-east-1', 1, 'b', 'photos/', NULL, 8388608, 'skip-identical', 'walking', 1, 1)`,
    ).run();
    const insert = db.prepare(`INSERT INTO folder_files (folder_id, rel_path, size, mtime_ns, file_id, state) VALUES ('f1', ?, 1, '1', '1:1', ?)`);
    insert.run('a.jpg', 'pending');
    insert.run('b.jpg', 'there');
    db.prepare(`UPDATE uploads SET folder_id = 'f1' WHERE id = 'u1'`).run();
    expect(() => insert.run('c.jpg', 'lost')).toThrow(/CHECK/);
    expect(() => insert.run('a.jpg', 'pending')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare(`UPDATE folders SET if_exists = 'maybe'`).run()).toThrow(/CHECK/);
    db.prepare(`DELETE FROM folders WHERE id = 'f1'`).run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM folder_files').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM uploads').get()).toEqual({ n: 0 });
  });
});
