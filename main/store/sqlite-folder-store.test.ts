import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewFolder } from '../engine/ports/folder-store.ts';
import { SqliteFolderStore } from './sqlite-folder-store.ts';
import { SqliteStateStore } from './sqlite-state-store.ts';

const FOLDER: NewFolder = {
  id: 'f1',
  path: '/data/photos',
  endpoint: 'http://127.0.0.1:7480',
  region: 'us-east-1',
  pathStyle: true,
  bucket: 'b',
  prefix: 'photos/',
  targetId: null,
  partSize: 8 * 1024 * 1024,
  ifExists: 'skip-identical',
  startedAt: 1000,
};

describe('SqliteFolderStore', () => {
  let state: SqliteStateStore;
  let folders: SqliteFolderStore;

  beforeEach(() => {
    state = new SqliteStateStore(new Database(':memory:'));
    folders = new SqliteFolderStore(state.database);
  });

  afterEach(() => {
    state.close();
  });

  it('finds the recorded ones of many paths in one call, by path, and only of that folder', () => {
    folders.createFolder(FOLDER);
    folders.createFolder({ ...FOLDER, id: 'f2', path: '/data/other' });
    const file = (relPath: string) => ({ relPath, size: 1, mtimeNs: '1', fileId: '1:1', state: 'pending' as const });
    folders.addFolderFiles('f1', [file('a.jpg'), file('dir/b "quoted".jpg'), file('é/c.jpg')]);
    folders.addFolderFiles('f2', [file('z.jpg')]);
    const found = folders.getFolderFiles('f1', ['a.jpg', 'missing.jpg', 'é/c.jpg', 'dir/b "quoted".jpg', 'z.jpg']);
    expect([...found.keys()].sort()).toEqual(['a.jpg', 'dir/b "quoted".jpg', 'é/c.jpg']);
    expect(found.get('é/c.jpg')).toMatchObject({ folderId: 'f1', relPath: 'é/c.jpg', state: 'pending' });
    expect(folders.getFolderFiles('f1', []).size).toBe(0);
  });

  it('records a folder walking, finds it while unfinished, and not once completed', () => {
    const folder = folders.createFolder(FOLDER);
    expect(folder).toMatchObject({ id: 'f1', state: 'walking', walkedAt: null, prefix: 'photos/', pathStyle: true, ifExists: 'skip-identical' });
    expect(folders.findUnfinishedFolder('/data/photos', 'b', 'photos/', 'http://127.0.0.1:7480')?.id).toBe('f1');
    expect(folders.findUnfinishedFolder('/data/photos', 'b', 'other/', 'http://127.0.0.1:7480')).toBeUndefined();
    folders.markFolderWalked('f1');
    expect(folders.getFolder('f1')?.walkedAt).not.toBeNull();
    folders.setFolderState('f1', 'completed');
    expect(folders.getFolder('f1')).toMatchObject({ state: 'completed', lastError: null });
    expect(folders.getFolder('f1')?.completedAt).not.toBeNull();
    expect(folders.findUnfinishedFolder('/data/photos', 'b', 'photos/', 'http://127.0.0.1:7480')).toBeUndefined();
  });

  it('adds files in batches, leaving ones already recorded as they are', () => {
    folders.createFolder(FOLDER);
    const file = (relPath: string, size = 10) => ({ relPath, size, mtimeNs: '1', fileId: '1:1', state: 'pending' as const });
    expect(folders.addFolderFiles('f1', [file('a'), file('b'), file('c')])).toBe(3);
    folders.updateFolderFiles('f1', [{ relPath: 'b', state: 'done', md5: 'm', etag: '"m"' }]);
    expect(folders.addFolderFiles('f1', [file('b', 99), file('d')])).toBe(1);
    expect(folders.getFolderFile('f1', 'b')).toMatchObject({ state: 'done', size: 10, md5: 'm', etag: '"m"' });
    expect(folders.folderTotals('f1')).toMatchObject({ pending: { files: 3, bytes: 30 }, done: { files: 1, bytes: 10 }, failed: { files: 0, bytes: 0 } });
  });

  it('pages through the files in a state by path', () => {
    folders.createFolder(FOLDER);
    const names = Array.from({ length: 25 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    folders.addFolderFiles('f1', names.map((relPath) => ({ relPath, size: 1, mtimeNs: '1', fileId: '1:1', state: 'pending' })));
    folders.updateFolderFiles('f1', [{ relPath: 'f03', state: 'done' }]);
    const seen: string[] = [];
    for (let after: string | null = null; ; ) {
      const page = folders.listFolderFiles('f1', ['pending'], after, 10);
      if (page.length === 0) break;
      seen.push(...page.map((entry) => entry.relPath));
      after = page[page.length - 1]?.relPath ?? null;
    }
    expect(seen).toEqual(names.filter((name) => name !== 'f03'));
  });

  it('refuses to update a file that is not recorded, and rolls the whole batch back', () => {
    folders.createFolder(FOLDER);
    folders.addFolderFiles('f1', [{ relPath: 'a', size: 1, mtimeNs: '1', fileId: '1:1', state: 'pending' }]);
    expect(() => folders.updateFolderFiles('f1', [{ relPath: 'a', state: 'sending' }, { relPath: 'zzz', state: 'sending' }])).toThrow(/not in the state database/);
    expect(folders.getFolderFile('f1', 'a')?.state).toBe('pending');
  });

  it('deletes a folder with its files and its files\' uploads', () => {
    folders.createFolder(FOLDER);
    folders.addFolderFiles('f1', [{ relPath: 'big.bin', size: 1, mtimeNs: '1', fileId: '1:1', state: 'pending' }]);
    state.createUpload(
      { id: 'u1', endpoint: undefined, region: 'us-east-1', pathStyle: true, bucket: 'b', key: 'photos/big.bin', path: '/data/photos/big.bin', size: 1, partSize: 5, singlePut: true, mtimeNs: '1', fileId: '1:1', fingerprint: 'x', startedAt: 1, state: 'queued', folderId: 'f1' },
      [{ partNumber: 1, offset: 0, size: 1 }],
    );
    expect(state.getUpload('u1')?.folderId).toBe('f1');
    folders.deleteFolder('f1');
    expect(folders.getFolder('f1')).toBeUndefined();
    expect(state.getUpload('u1')).toBeUndefined();
  });
});
