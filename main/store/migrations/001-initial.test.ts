import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../migrate.ts';
import initial from './001-initial.ts';

interface Column {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
}

describe('migration 001-initial', () => {
  let db: Database.Database;

  const columns = (table: string) => db.pragma(`table_info(${table})`) as Column[];
  const indexes = (table: string) => (db.pragma(`index_list(${table})`) as Array<{ name: string }>).map((i) => i.name);
  const insertUpload = (id: string, state = 'queued') =>
    db
      .prepare(
        `INSERT INTO uploads (id, region, path_style, bucket, "key", path, size, part_size, single_put, mtime_ns, file_id,
          fingerprint, started_at, updated_at, state) VALUES (?, 'r', 0, 'b', 'k', '/p', 10, 5, 0, '0', '1:2', 'f', 1, 1, ?)`,
      )
      .run(id, state);
  const insertPart = (id: string, partNumber: number, state = 'pending') =>
    db
      .prepare(`INSERT INTO parts (upload_record_id, part_number, "offset", size, state, updated_at) VALUES (?, ?, 0, 5, ?, 1)`)
      .run(id, partNumber, state);

  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [initial]);
  });

  afterEach(() => {
    db.close();
  });

  it('sets user_version to 1', () => {
    expect(initial.version).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('creates uploads with a column for every record field', () => {
    const cols = columns('uploads');
    expect(cols.map((c) => c.name)).toEqual([
      'id', 'upload_id', 'endpoint', 'region', 'path_style', 'bucket', 'key', 'path', 'size', 'part_size', 'single_put',
      'mtime_ns', 'file_id', 'fingerprint', 'started_at', 'updated_at', 'completed_at', 'state', 'last_error', 'restarts', 'etag',
    ]);
    const byName = new Map(cols.map((c) => [c.name, c]));
    expect(byName.get('id')?.pk).toBe(1);
    expect(byName.get('mtime_ns')?.type).toBe('TEXT');
    for (const nullable of ['upload_id', 'endpoint', 'completed_at', 'last_error', 'etag']) {
      expect(byName.get(nullable)?.notnull, nullable).toBe(0);
    }
    expect(byName.get('restarts')?.dflt_value).toBe('0');
    expect(indexes('uploads')).toEqual(expect.arrayContaining(['uploads_state', 'uploads_path_bucket_key']));
  });

  it('creates parts without rowid, keyed by upload and part number', () => {
    expect(columns('parts').map((c) => c.name)).toEqual([
      'upload_record_id', 'part_number', 'offset', 'size', 'state', 'etag', 'md5', 'checksum', 'updated_at',
    ]);
    const sql = db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'parts'`).pluck().get() as string;
    expect(sql).toMatch(/WITHOUT ROWID/);
    insertUpload('u');
    insertPart('u', 1);
    expect(() => insertPart('u', 1)).toThrow(/UNIQUE|PRIMARY KEY/);
  });

  it('creates events with an index on the upload', () => {
    expect(columns('events').map((c) => c.name)).toEqual(['id', 'upload_record_id', 'at', 'kind', 'message']);
    expect(indexes('events')).toContain('events_upload_record_id');
  });

  it('rejects state values outside the allowed sets', () => {
    expect(() => insertUpload('bad', 'finished')).toThrow(/CHECK constraint/);
    for (const state of ['queued', 'uploading', 'paused', 'completed', 'failed', 'cancelled']) insertUpload(state, state);
    expect(() => insertPart('queued', 1, 'sent')).toThrow(/CHECK constraint/);
    for (const [n, state] of ['pending', 'uploading', 'done'].entries()) insertPart('queued', n + 1, state);
  });

  it('rejects non-boolean flags', () => {
    expect(() =>
      db
        .prepare(
          `INSERT INTO uploads (id, region, path_style, bucket, "key", path, size, part_size, single_put, mtime_ns, file_id,
            fingerprint, started_at, updated_at, state) VALUES ('x', 'r', 2, 'b', 'k', '/p', 1, 1, 0, '0', '1', 'f', 1, 1, 'queued')`,
        )
        .run(),
    ).toThrow(/CHECK constraint/);
  });

  it('cascades deletes of an upload to its parts and events, and refuses orphans', () => {
    insertUpload('u');
    insertPart('u', 1);
    db.prepare(`INSERT INTO events (upload_record_id, at, kind, message) VALUES ('u', 1, 'created', '')`).run();
    db.prepare(`DELETE FROM uploads WHERE id = 'u'`).run();
    expect(db.prepare('SELECT COUNT(*) FROM parts').pluck().get()).toBe(0);
    expect(db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(0);
    expect(() => insertPart('missing', 1)).toThrow(/FOREIGN KEY/);
  });
});
