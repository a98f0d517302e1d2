import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';
import sources from './004-sources.ts';

describe('migration 004-sources', () => {
  let db: Database.Database;

  // A database as Hoist with migrations up to 003 left it, with an upload half done.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initial, appState, integrity]);
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, restarts, checksum_algorithm, source_missing)
        VALUES ('u1', 'mpu-1', NULL, 'us-east-1', 0, 'b', 'k', '/data/f.bin', 10, 5, 0, '1', '1:2', 'fp', 100, 200, 'paused', 0, NULL, 0)`,
    ).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 3 database: existing uploads are files without a snapshot', () => {
    const before = db.prepare('SELECT * FROM uploads').all();
    migrate(db, [initial, appState, integrity, sources]);
    expect(sources.version).toBe(4);
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(before.map((row) => ({ ...(row as object), source_kind: 'file', source_snapshot: null })));
  });

  it('allows only the known source kinds', () => {
    migrate(db, [initial, appState, integrity, sources]);
    db.prepare(`UPDATE uploads SET source_kind = 'archive', source_snapshot = '{"entries":[]}'`).run();
    expect(db.prepare('SELECT source_kind, source_snapshot FROM uploads').get()).toEqual({ source_kind: 'archive', source_snapshot: '{"entries":[]}' });
    expect(() => db.prepare(`UPDATE uploads SET source_kind = 'zip'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE uploads SET source_kind = NULL`).run()).toThrow(/NOT NULL/);
  });
});
