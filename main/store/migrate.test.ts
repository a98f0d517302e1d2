import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, StateDatabaseTooNewError } from './migrate.ts';
import { MIGRATIONS } from './migrations/index.ts';
import { openStateDatabase, StateDatabaseCorruptError } from './open-database.ts';

const userVersion = (db: Database.Database) => db.pragma('user_version', { simple: true });

describe('migrations list', () => {
  it('is numbered 1, 2, 3… in order', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
  });
});

describe('migrate', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-migrate-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a database from a newer Hoist and leaves it untouched', () => {
    const file = join(dir, 'state.db');
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();

    let error: unknown;
    try {
      openStateDatabase(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDatabaseTooNewError);
    const message = (error as Error).message;
    expect(message).toContain(file);
    expect(message).toContain('schema 99');
    expect(message).toContain(`up to ${MIGRATIONS.length}`);

    const check = new Database(file);
    expect(userVersion(check)).toBe(99);
    expect(check.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all()).toEqual([]);
    check.close();
  });

  it('leaves an up-to-date database alone', () => {
    const db = new Database(':memory:');
    migrate(db);
    db.prepare(
      `INSERT INTO uploads (id, region, path_style, bucket, "key", path, size, part_size, single_put, mtime_ns, file_id,
        fingerprint, started_at, updated_at, state) VALUES ('u', 'r', 0, 'b', 'k', '/p', 1, 1, 1, '0', '1:2', 'f', 1, 1, 'queued')`,
    ).run();
    const schema = db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all();
    migrate(db);
    expect(userVersion(db)).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
    expect(db.prepare('SELECT id FROM uploads').all()).toEqual([{ id: 'u' }]);
    db.close();
  });

  it('applies only pending steps, each with its user_version, and rolls back a failing step', () => {
    const db = new Database(':memory:');
    const ran: number[] = [];
    const steps = [
      { version: 1, name: 'one', up: () => ran.push(1) },
      { version: 2, name: 'two', up: (d: Database.Database) => void d.exec('CREATE TABLE t2 (x)') },
      {
        version: 3,
        name: 'broken',
        up: (d: Database.Database) => {
          d.exec('CREATE TABLE t3 (x)');
          throw new Error('step 3 failed');
        },
      },
    ];
    migrate(db, steps.slice(0, 1));
    expect(ran).toEqual([1]);
    expect(() => migrate(db, steps)).toThrow('step 3 failed');
    expect(ran).toEqual([1]);
    expect(userVersion(db)).toBe(2);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(['t2']);
    db.close();
  });

  it('rejects a list with a gap', () => {
    const db = new Database(':memory:');
    expect(() => migrate(db, [{ version: 2, name: 'x', up: () => {} }])).toThrow(/without gaps/);
    db.close();
  });
});

describe('openStateDatabase', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-open-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a private parent directory and sets the pragmas', () => {
    const file = join(dir, 'a', 'b', 'state.db');
    const db = openStateDatabase(file);
    try {
      if (process.platform !== 'win32') expect(statSync(join(dir, 'a', 'b')).mode & 0o777).toBe(0o700);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(2);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
      expect(userVersion(db)).toBe(MIGRATIONS.length);
    } finally {
      db.close();
    }
  });

  it('reports a file of garbage as corrupt, naming it, without deleting it', () => {
    const file = join(dir, 'state.db');
    const garbage = Buffer.alloc(8192, 'not a database, just bytes. ');
    writeFileSync(file, garbage);
    let error: unknown;
    try {
      openStateDatabase(file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDatabaseCorruptError);
    expect((error as Error).message).toContain(file);
    expect(statSync(file).size).toBe(garbage.length);
  });
});
