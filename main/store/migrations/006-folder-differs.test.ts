import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';
import sources from './004-sources.ts';
import folders from './005-folders.ts';
import folderDiffers from './006-folder-differs.ts';

const UP_TO_5 = [initial, appState, integrity, sources, folders];
const UP_TO_6 = [...UP_TO_5, folderDiffers];

describe('migration 006-folder-differs', () => {
  let db: Database.Database;

  // A database as Hoist with migrations up to 005 left it: a folder with files, one of them a big file with its own upload.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, UP_TO_5);
    db.prepare(
      `INSERT INTO folders (id, path, endpoint, region, path_style, bucket, prefix, target_id, part_size, if_exists, state, started_at, walked_at, updated_at, last_error)
       VALUES ('f1', '/data/photos', 'http://s3', 'us-east-1', 1, 'b', 'photos/', 't1', 8388608, 'skip-identical', 'failed', 1, 2, 3, '1 file(s) not uploaded')`,
    ).run();
    const file = db.prepare(
      `INSERT INTO folder_files (folder_id, rel_path, size, mtime_ns, file_id, state, md5, etag, upload_record_id, message) VALUES ('f1', ?, ?, '1', '1:1', ?, ?, ?, ?, ?)`,
    );
    file.run('a.jpg', 10, 'done', 'md5a', '"md5a"', null, null);
    file.run('big.bin', 9_000_000, 'sending', null, null, 'u1', null);
    file.run('c.jpg', 5, 'failed', null, null, null, 'c.jpg: access denied');
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, restarts, checksum_algorithm, source_missing, folder_id)
        VALUES ('u1', 'mpu-1', 'http://s3', 'us-east-1', 1, 'b', 'photos/big.bin', '/data/photos/big.bin', 9000000, 8388608, 0, '1', '1:2', 'fp', 1, 2, 'paused', 0, NULL, 0, 'f1')`,
    ).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 5 database keeping every folder, file and folder upload as it was, foreign keys enforced again after', () => {
    const folderRows = db.prepare('SELECT * FROM folders').all();
    const fileRows = db.prepare('SELECT * FROM folder_files ORDER BY rel_path').all();
    const uploadRows = db.prepare('SELECT * FROM uploads').all();

    migrate(db, UP_TO_6);

    expect(folderDiffers.version).toBe(6);
    expect(db.pragma('user_version', { simple: true })).toBe(6);
    expect(db.prepare('SELECT * FROM folders').all()).toEqual(folderRows);
    expect(db.prepare('SELECT * FROM folder_files ORDER BY rel_path').all()).toEqual(fileRows.map((row) => ({ ...(row as object), agreed_etag: null })));
    // Dropping the old folders table with enforcement on would have deleted these through ON DELETE CASCADE.
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(uploadRows);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // The per-state counts still read the covering index.
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT state, COUNT(*), SUM(size) FROM folder_files WHERE folder_id = 'f1' GROUP BY state`).all() as Array<{ detail: string }>;
    expect(plan.map((step) => step.detail).join(' ')).toContain('COVERING INDEX folder_files_state');
    expect(db.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'folders' AND sql IS NOT NULL`).all()).toEqual([{ name: 'folders_state' }]);
  });

  it('allows asking, differing and kept files and an agreed ETag, and still refuses what is unknown', () => {
    migrate(db, UP_TO_6);
    db.prepare(`UPDATE folders SET if_exists = 'ask', state = 'asking' WHERE id = 'f1'`).run();
    db.prepare(`UPDATE folder_files SET state = 'differs', etag = '"other"' WHERE rel_path = 'a.jpg'`).run();
    db.prepare(`UPDATE folder_files SET state = 'kept' WHERE rel_path = 'c.jpg'`).run();
    db.prepare(`UPDATE folder_files SET state = 'pending', agreed_etag = '"other"' WHERE rel_path = 'a.jpg'`).run();
    expect(db.prepare(`SELECT state, agreed_etag FROM folder_files WHERE rel_path = 'a.jpg'`).get()).toEqual({ state: 'pending', agreed_etag: '"other"' });
    expect(() => db.prepare(`UPDATE folders SET if_exists = 'maybe'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE folders SET state = 'thinking'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE folder_files SET state = 'lost'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO folder_files (folder_id, rel_path, size, mtime_ns, file_id, state) VALUES ('nope', 'x', 1, '1', '1', 'pending')`).run()).toThrow(/FOREIGN KEY/);
  });

  it('still removes a folder with its files and its big files’ uploads', () => {
    migrate(db, UP_TO_6);
    db.prepare(`DELETE FROM folders WHERE id = 'f1'`).run();
    expect(db.prepare('SELECT COUNT(*) AS n FROM folder_files').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM uploads').get()).toEqual({ n: 0 });
  });

  it('leaves foreign keys off when the connection had them off', () => {
    db.pragma('foreign_keys = OFF');
    migrate(db, UP_TO_6);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(0);
    expect(db.prepare('SELECT COUNT(*) AS n FROM uploads WHERE folder_id = ?').get('f1')).toEqual({ n: 1 });
  });
});
