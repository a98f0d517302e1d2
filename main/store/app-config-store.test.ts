import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAppConfigStore } from './app-config-store.ts';
import { SqliteStateStore } from './sqlite-state-store.ts';

describe('SqliteAppConfigStore', () => {
  let state: SqliteStateStore;
  let config: SqliteAppConfigStore;

  beforeEach(() => {
    state = new SqliteStateStore(new Database(':memory:'));
    config = new SqliteAppConfigStore(state.database);
  });

  afterEach(() => {
    state.close();
  });

  it('starts with no settings and no targets', () => {
    expect(config.getSettings()).toEqual({});
    expect(config.listTargets()).toEqual([]);
  });

  it('stores settings as JSON values, replacing by key, and removes a key set to undefined', () => {
    config.setSetting('concurrency', 4);
    config.setSetting('notifications', false);
    config.setSetting('nested', { a: [1, 'two', null] });
    config.setSetting('concurrency', 8);
    expect(config.getSettings()).toEqual({ concurrency: 8, notifications: false, nested: { a: [1, 'two', null] } });
    config.setSetting('nested', undefined);
    expect(config.getSettings()).toEqual({ concurrency: 8, notifications: false });
  });

  it('refuses a value that is not JSON instead of storing nothing', () => {
    expect(() => config.setSetting('bad', () => 1)).toThrow(/not JSON/);
    expect(config.getSettings()).toEqual({});
  });

  it('lists targets in the order first saved; saving again replaces the data in place', () => {
    config.saveTarget('a', { id: 'a', name: 'First' });
    config.saveTarget('b', { id: 'b', name: 'Second' });
    config.saveTarget('c', { id: 'c', name: 'Third' });
    config.saveTarget('a', { id: 'a', name: 'First, renamed' });
    expect(config.listTargets()).toEqual([
      { id: 'a', name: 'First, renamed' },
      { id: 'b', name: 'Second' },
      { id: 'c', name: 'Third' },
    ]);
  });

  it('removes a target; a target saved later goes after the others', () => {
    config.saveTarget('a', { id: 'a' });
    config.saveTarget('b', { id: 'b' });
    config.removeTarget('a');
    config.removeTarget('missing');
    config.saveTarget('a', { id: 'a' });
    expect(config.listTargets()).toEqual([{ id: 'b' }, { id: 'a' }]);
  });

  it('shares the state store connection: both see each other and the same file', () => {
    config.setSetting('partSizeMiB', 16);
    const again = new SqliteAppConfigStore(state.database);
    expect(again.getSettings()).toEqual({ partSizeMiB: 16 });
    expect(state.listUploads()).toEqual([]);
  });

  it('reads a row damaged outside Hoist as absent rather than failing', () => {
    config.setSetting('good', 1);
    config.saveTarget('ok', { id: 'ok' });
    state.database.prepare(`INSERT INTO settings (key, value) VALUES ('broken', '{not json')`).run();
    state.database.prepare(`INSERT INTO targets (id, data, position) VALUES ('broken', '{', 99)`).run();
    expect(config.getSettings()).toEqual({ good: 1 });
    expect(config.listTargets()).toEqual([{ id: 'ok' }]);
  });

  it('migrates a fresh database on its own', () => {
    const db = new Database(':memory:');
    const standalone = new SqliteAppConfigStore(db);
    standalone.saveTarget('t', { id: 't' });
    expect(standalone.listTargets()).toEqual([{ id: 't' }]);
    db.close();
  });
});
