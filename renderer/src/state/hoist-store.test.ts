import { describe, expect, it } from 'vitest';
import { makeFolder, makeTarget, makeUpload } from '../test/fake-bridge.ts';
import { createHoistStore } from './hoist-store.ts';

describe('hoist store', () => {
  it('reconciles the initial list with events that arrived while it loaded', () => {
    const store = createHoistStore();
    const s = () => store.getState();
    s().beginListLoad();
    // While uploads.list is in flight: one row moves on, one is new, one is removed.
    s().applyChanged([makeUpload({ id: 'a', state: 'completed', updatedAt: '2030-01-01T00:05:00.000Z' })]);
    s().applyChanged([makeUpload({ id: 'new', updatedAt: '2030-01-01T00:05:00.000Z' })]);
    s().applyRemoved(['gone']);

    s().applyList([
      makeUpload({ id: 'a', state: 'uploading', updatedAt: '2030-01-01T00:01:00.000Z' }),
      makeUpload({ id: 'b' }),
      makeUpload({ id: 'gone' }),
    ]);

    expect(s().order).toEqual(['a', 'b', 'new']);
    expect(s().uploads.get('a')?.state).toBe('completed');
    expect(s().uploads.has('gone')).toBe(false);
    expect(s().uploadsLoaded).toBe(true);
  });

  it('drops rows a reload no longer lists (missed removals) and keeps order stable on change', () => {
    const store = createHoistStore();
    const s = () => store.getState();
    s().applyList([makeUpload({ id: 'a' }), makeUpload({ id: 'b' })]);
    const orderBefore = s().order;
    s().applyChanged([makeUpload({ id: 'b', bytesDone: 1 })]);
    expect(s().order).toBe(orderBefore); // same array: no reorder, no re-render of the list shape

    s().beginListLoad();
    s().applyList([makeUpload({ id: 'b' })]);
    expect(s().order).toEqual(['b']);
  });

  it('reconciles the folder list with folder events that arrived while it loaded, and drops the files of removed folders', () => {
    const store = createHoistStore();
    const s = () => store.getState();
    s().beginFolderListLoad();
    s().applyFoldersChanged([makeFolder({ id: 'a', state: 'completed' }), makeFolder({ id: 'new' })]);
    s().applyFoldersRemoved(['gone']);
    s().applyFolderList([makeFolder({ id: 'a', state: 'sending' }), makeFolder({ id: 'b' }), makeFolder({ id: 'gone' })]);
    expect(s().folderOrder).toEqual(['a', 'b', 'new']);
    expect(s().folders.get('a')?.state).toBe('completed');

    s().setFolderExpanded('b', true);
    s().updateFolderFiles('b', { files: [{ relPath: 'x', size: 1, state: 'done', message: null }] });
    expect(s().folderFiles.get('b')?.files).toHaveLength(1);
    s().applyFoldersRemoved(['b']);
    expect(s().folderFiles.has('b')).toBe(false);
    // A late answer for a collapsed or removed folder is dropped.
    s().updateFolderFiles('b', { loading: false });
    expect(s().folderFiles.has('b')).toBe(false);
  });

  it('keeps a valid target selected', () => {
    const store = createHoistStore();
    const s = () => store.getState();
    s().setTargets([makeTarget({ id: 't1' }), makeTarget({ id: 't2' })]);
    expect(s().selectedTargetId).toBe('t1');
    s().selectTarget('t2');
    s().forgetTarget('t2');
    expect(s().selectedTargetId).toBe('t1');
    s().forgetTarget('t1');
    expect(s().selectedTargetId).toBeNull();
    s().upsertTarget(makeTarget({ id: 't3' }));
    expect(s().selectedTargetId).toBe('t3');
  });

  it('does not stack the same notice twice and keeps only the latest few', () => {
    const store = createHoistStore();
    const s = () => store.getState();
    s().addNotice({ level: 'error', message: 'offline' });
    s().addNotice({ level: 'error', message: 'offline' });
    expect(s().notices).toHaveLength(1);
    for (let i = 0; i < 20; i += 1) s().addNotice({ level: 'info', message: `n${i}` });
    expect(s().notices.length).toBeLessThanOrEqual(8);
    expect(s().notices.at(-1)?.message).toBe('n19');
  });
});
