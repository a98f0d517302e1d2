import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';
import appState from './002-app-state.ts';
import integrity from './003-integrity.ts';

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

describe('migration 003-integrity', () => {
  let db: Database.Database;
  const columns = (table: string) => db.pragma(`table_info(${table})`) as Column[];

  // A database as Hoist with migrations 001 and 002 left it, with an upload half done.
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initial, appState]);
    db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
        mtime_ns, file_id, fingerprint, started_at, updated_at, state, last_error, restarts, target_id, conflict, expires_at)
        VALUES ('u1', 'mpu-1', NULL, 'us-east-1', 0, 'b', 'k', '/data/f.bin', 10, 5, 0,
        '1700000000123456789', '1:2', 'fp', 100, 200, 'paused', NULL, 0, 't1', NULL, 999)`,
    ).run();
    db.prepare(`INSERT INTO parts (upload_record_id, part_number, "offset", size, state, etag, md5, updated_at) VALUES ('u1', 1, 0, 5, 'done', '"e1"', 'm1', 200)`).run();
  });

  afterEach(() => {
    db.close();
  });

  it('upgrades a version 2 database, keeping every row; old uploads use no checksum algorithm and their source is not missing', () => {
    const before = { uploads: db.prepare('SELECT * FROM uploads').all(), parts: db.prepare('SELECT * FROM parts').all() };
    migrate(db, [initial, appState, integrity]);
    expect(integrity.version).toBe(3);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    expect(db.prepare('SELECT * FROM uploads').all()).toEqual(
      before.uploads.map((row) => ({ ...(row as object), checksum_algorithm: null, source_missing: 0 })),
    );
    expect(db.prepare('SELECT * FROM parts').all()).toEqual(before.parts);
  });

  it('constrains the new upload columns', () => {
    migrate(db, [initial, appState, integrity]);
    expect(columns('uploads').slice(-2).map((c) => [c.name, c.type, c.notnull, c.dflt_value])).toEqual([
      ['checksum_algorithm', 'TEXT', 0, null],
      ['source_missing', 'INTEGER', 1, '0'],
    ]);
    db.prepare(`UPDATE uploads SET checksum_algorithm = 'sha256', source_missing = 1`).run();
    expect(() => db.prepare(`UPDATE uploads SET checksum_algorithm = 'crc64'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE uploads SET source_missing = 2`).run()).toThrow(/CHECK/);
  });

  it('keys target capabilities by endpoint and bucket', () => {
    migrate(db, [initial, appState, integrity]);
    expect(columns('target_capabilities').map((c) => [c.name, c.type, c.notnull, c.pk])).toEqual([
      ['endpoint', 'TEXT', 1, 1],
      ['bucket', 'TEXT', 1, 2],
      ['data', 'TEXT', 1, 0],
      ['probed_at', 'INTEGER', 1, 0],
    ]);
    const insert = db.prepare(`INSERT INTO target_capabilities (endpoint, bucket, data, probed_at) VALUES (?, ?, '{}', 1)`);
    insert.run('', 'b');
    insert.run('', 'other');
    insert.run('http://s3.local', 'b');
    expect(() => insert.run('', 'b')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
