import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';

interface Column {
  name: string;
  type: string;
  notnull: number;
  pk: number;
}

describe('migration 002-app-state', () => {
  let db: Database.Database;

  const columns = (table: string) => db.pragma(`table_info(${table})`) as Column[];

  // A database as Hoist with only migration 001 left it, with an upload in the middle of its life.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initial]);
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, last_error, restarts)
        VALUES ('u1', 'mpu-1', 'http://s3.local', 'us-east-1', 1, 'b', 'k', '/data/f.bin', 12, 5, 0,
        '1700000000123456789', '1:2', 'fp', 100, 200, 'failed', 'network down', 1)`,
    ).run();
    const part = db.prepare(`INSERT INTO parts (upload_record_id, part_number, "offset", size, state, etag, md5, updated_at) VALUES ('u1', ?, ?, ?, ?, ?, ?, 200)`);
    part.run(1, 0, 5, 'done', '"e1"', 'm1');
    part.run(2, 5, 5, 'uploading', null, 'm2');
    part.run(3, 10, 2, 'pending', null, null);
    db.prepare(`INSERT INTO events (upload_record_id, at, kind, message) VALUES ('u1', 100, 'created', '12 bytes')`).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 1 database with data, keeping every row', () => {
    const before = {
      uploads: db.prepare('SELECT * FROM uploads').all(),
      parts: db.prepare('SELECT * FROM parts ORDER BY part_number').all(),
      events: db.prepare('SELECT * FROM events').all(),
    };

    migrate(db, [initial, appState]);

    expect(appState.version).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(
      before.uploads.map((row) => ({ ...(row as object), target_id: null, conflict: null, expires_at: null })),
    );
    expect(db.prepare('SELECT * FROM parts ORDER BY part_number').all()).toEqual(before.parts);
    expect(db.prepare('SELECT * FROM events').all()).toEqual(before.events);
    // The cascade still works after the ALTERs.
    db.prepare(`DELETE FROM uploads WHERE id = 'u1'`).run();
    expect(db.prepare('SELECT COUNT(*) FROM parts').pluck().get()).toBe(0);
  });

  it('adds nullable target_id, conflict and expires_at to uploads', () => {
    migrate(db, [initial, appState]);
    const added = columns('uploads').slice(-3);
    expect(added.map((c) => [c.name, c.type, c.notnull])).toEqual([
      ['target_id', 'TEXT', 0],
      ['conflict', 'TEXT', 0],
      ['expires_at', 'INTEGER', 0],
    ]);
    db.prepare(`UPDATE uploads SET target_id = 't1', conflict = 'size 12 → 13', expires_at = 999 WHERE id = 'u1'`).run();
    expect(db.prepare(`SELECT target_id, conflict, expires_at FROM uploads`).get()).toEqual({
      target_id: 't1',
      conflict: 'size 12 → 13',
      expires_at: 999,
    });
  });

  it('creates settings keyed by name and targets keyed by id with a position', () => {
    migrate(db, [initial, appState]);
    expect(columns('settings').map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['key', 'TEXT', 1, 1],
      ['value', 'TEXT', 1, 0],
    ]);
    expect(columns('targets').map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['id', 'TEXT', 1, 1],
      ['data', 'TEXT', 1, 0],
      ['position', 'INTEGER', 1, 0],
    ]);
    db.prepare(`INSERT INTO settings (key, value) VALUES ('concurrency', '4')`).run();
    expect(() => db.prepare(`INSERT INTO settings (key, value) VALUES ('concurrency', '8')`).run()).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare(`INSERT INTO targets (id, data, position) VALUES ('t', '{}', NULL)`).run()).toThrow(/NOT NULL/);
  });
});
