import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAppConfigStore } from './app-config-store.ts';
import { StateDatabaseTooNewError } from './migrate.ts';
import { openState } from './open-state.ts';
import type { OpenedState } from './open-state.ts';
import { describeRecovery } from './recover-state.ts';
import { acquireStateLock, StateLockHeldError } from './state-lock.ts';
import { overwritePage, rootPageOf, writeStateDatabase } from './testing/damaged-database.ts';

const DB = 'state.sqlite3';
let dir = '';
let file = '';
const opened: Array<{ close(): void }> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-open-state-'));
  file = join(dir, DB);
});

afterEach(() => {
  for (const state of opened.splice(0)) state.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(lockFor?: string): OpenedState {
  const state = openState(dir, lockFor ? { lockFor } : {});
  opened.push(state);
  return state;
}

const damagedNames = () => readdirSync(dir).filter((name) => name.startsWith(`${DB}.damaged-`));

describe('openState with a damaged state database', () => {
  it('moves it aside unchanged, starts a new one, and restores the targets and settings read from it', () => {
    writeStateDatabase(file, 40);
    overwritePage(file, rootPageOf(file, 'parts'));
    const damaged = readFileSync(file);

    const state = open('hoist resume');
    const recovery = state.recovery;
    expect(recovery).toBeDefined();
    expect(recovery?.movedTo).toMatch(new RegExp(`/${DB.replace('.', '\\.')}\\.damaged-\\d{8}T\\d{6}Z$`));
    expect(readFileSync(recovery?.movedTo as string).equals(damaged)).toBe(true);
    const moved = `${DB}.damaged-${recovery?.movedTo.split('.damaged-')[1]}`;
    expect(damagedNames().filter((name) => name !== `${moved}-wal` && name !== `${moved}-shm`)).toEqual([moved]);
    expect(recovery?.reason).toMatch(/^quick_check found \d+ problems: Tree \d+ page \d+: .+, …$/);
    expect(recovery?.salvage.uploads).toHaveLength(40);

    // The new database: whole, empty of uploads, with what the app needs to reach its targets.
    expect(state.store.database.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(state.store.listUploads()).toEqual([]);
    const config = new SqliteAppConfigStore(state.store.database);
    expect(config.listTargets()).toEqual([
      { id: 't1', name: 'backups', bucket: 'b1' },
      { id: 't2', name: 'photos', bucket: 'b2' },
    ]);
    expect(config.getSettings()).toEqual({ concurrency: 6, notifications: false, partSizeMiB: 16 });
    expect(describeRecovery(recovery!)).toMatch(
      new RegExp(`^the state database was damaged \\(.+\\); it was moved aside to ${recovery!.movedTo.replace(/\./g, '\\.')} and a new one started\\. 40 uploads, 2 targets and 3 settings could be read from it$`),
    );
    // The next start finds nothing wrong.
    state.close();
    opened.pop();
    expect(open('hoist status').recovery).toBeUndefined();
  });

  it('takes the -wal and -shm along, renamed alike, so the latest commits are still read from it', () => {
    writeStateDatabase(file, 3);
    // Commits left in the WAL, as a killed process leaves them.
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.pragma('wal_autocheckpoint = 0');
    writer.prepare(`INSERT INTO settings (key, value) VALUES ('fromWal', '"yes"')`).run();
    const copy = (suffix: string) => writeFileSync(join(dir, `copy${suffix}`), readFileSync(file + suffix));
    copy('');
    copy('-wal');
    writer.close();
    for (const suffix of ['', '-wal']) writeFileSync(file + suffix, readFileSync(join(dir, `copy${suffix}`)));
    rmSync(join(dir, 'copy'));
    rmSync(join(dir, 'copy-wal'));
    overwritePage(file, rootPageOf(file, 'events'));

    const state = open('hoist resume');
    const movedTo = state.recovery?.movedTo as string;
    expect(existsSync(`${movedTo}-wal`)).toBe(true);
    expect(state.recovery?.salvage.settings.map((s) => s.key)).toContain('fromWal');
  });

  it('recovers a file that is not a database at all, reading nothing from it', () => {
    writeFileSync(file, 'these are my notes, not a database\n'.repeat(100));
    const state = open('hoist upload');
    expect(state.recovery?.salvage).toMatchObject({ uploads: [], targets: [], settings: [] });
    expect(state.recovery?.salvage.problems.join()).toMatch(/not a database/);
    expect(readFileSync(state.recovery?.movedTo as string, 'utf8')).toMatch(/^these are my notes/);
    expect(state.store.listUploads()).toEqual([]);
  });

  it('gives two damaged files set aside in the same second different names', () => {
    writeFileSync(file, 'garbage one '.repeat(500));
    open('a').close();
    opened.pop();
    writeFileSync(file, 'garbage two '.repeat(500));
    open('b');
    const names = damagedNames().filter((name) => !name.endsWith('-wal') && !name.endsWith('-shm'));
    expect(names).toHaveLength(2);
    const contents = names.map((name) => readFileSync(join(dir, name), 'utf8').slice(0, 11)).sort();
    expect(contents).toEqual(['garbage one', 'garbage two']);
  });

  it('leaves a database from a newer Hoist alone: it is refused, not moved', () => {
    writeStateDatabase(file, 1);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => open('hoist upload')).toThrow(StateDatabaseTooNewError);
    expect(damagedNames()).toEqual([]);
    // Refused, it holds no lock either.
    acquireStateLock(dir, 'next').release();
  });

  it('does not move a damaged file while another process is the writer; a reader is refused', () => {
    writeFileSync(file, 'garbage '.repeat(1000));
    const other = acquireStateLock(dir, 'hoist upload');
    try {
      expect(() => open()).toThrow(StateLockHeldError);
      expect(damagedNames()).toEqual([]);
      expect(readFileSync(file, 'utf8')).toMatch(/^garbage/);
    } finally {
      other.release();
    }
    // A reader that finds the damage with nobody writing recovers it, and is the writer until it closes.
    const state = open();
    expect(state.recovery).toBeDefined();
    expect(() => acquireStateLock(dir, 'x')).toThrow(StateLockHeldError);
  });
});

describe('openState and the writer lock', () => {
  it('lets one writer in and refuses a second; readers come in all the same', () => {
    const writer = open('hoist upload');
    expect(writer.lock).toBeDefined();
    let refused: unknown;
    try {
      open('hoist resume');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(StateLockHeldError);
    expect((refused as Error).message).toMatch(new RegExp(`^another Hoist \\(pid ${process.pid}, this process\\) is using the state directory ${dir}`));
    const reader = open();
    expect(reader.lock).toBeUndefined();
    expect(reader.store.listUploads()).toEqual([]);
    writer.close();
    opened.splice(opened.indexOf(writer), 1);
    expect(open('hoist resume').lock).toBeDefined();
  });

  it('releases the lock when opening fails', () => {
    writeStateDatabase(file, 1);
    const raw = new Database(file);
    raw.pragma('user_version = 99');
    raw.close();
    expect(() => open('hoist upload')).toThrow(StateDatabaseTooNewError);
    expect(() => open('hoist upload')).toThrow(StateDatabaseTooNewError);
  });
});

describe('openState: a private state directory', () => {
  it('makes the directory 0700 and the database, its WAL and shared memory 0600, also where an older version left them open', () => {
    open().close();
    opened.splice(0);
    chmodSync(dir, 0o755);
    for (const name of [DB, `${DB}-wal`, `${DB}-shm`]) if (existsSync(join(dir, name))) chmodSync(join(dir, name), 0o644);
    writeFileSync(join(dir, `${DB}-wal`), '', { flag: 'a' });
    chmodSync(join(dir, `${DB}-wal`), 0o644);
    open();
    const mode = (name: string) => statSync(join(dir, name)).mode & 0o777;
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect([DB, `${DB}-wal`, `${DB}-shm`].map(mode)).toEqual([0o600, 0o600, 0o600]);
  });
});
