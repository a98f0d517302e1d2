import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, events, isEventName, isRequestName, requests, TargetSchema } from './ipc-contract.ts';
import * as channels from './ipc-channels.ts';

const validTarget = { id: 't1', name: 'Backups', bucket: 'my-bucket' };

describe('IPC contract', () => {
  it('derives defaults from the schemas', () => {
    expect(DEFAULT_SETTINGS).toEqual({
      partSizeMiB: 8,
      concurrency: 4,
      bandwidthLimitKiBps: 0,
      startAtLogin: false,
      notifications: true,
      expiryWarningHours: 24,
    });
    expect(TargetSchema.parse(validTarget)).toMatchObject({ endpoint: '', region: 'us-east-1', keyPrefix: '', pathStyle: false, credentials: { kind: 'chain' }, expiryDays: 7 });
  });

  it('knows its channel names and nothing else', () => {
    expect(isRequestName('uploads.add')).toBe(true);
    expect(isRequestName('constructor')).toBe(false);
    expect(isRequestName('__proto__')).toBe(false);
    expect(isRequestName(42)).toBe(false);
    expect(isEventName('uploads.changed')).toBe(true);
    expect(isEventName('toString')).toBe(false);
  });

  it('has a schema for exactly the names in ipc-channels.ts (the preload guards with those)', () => {
    expect(Object.keys(requests)).toEqual([...channels.REQUEST_NAMES]);
    expect(Object.keys(events)).toEqual([...channels.EVENT_NAMES]);
    expect(new Set(channels.REQUEST_NAMES).size).toBe(channels.REQUEST_NAMES.length);
    expect(new Set(channels.EVENT_NAMES).size).toBe(channels.EVENT_NAMES.length);
    // The contract re-exports the names module's guards, not copies of them.
    expect(isRequestName).toBe(channels.isRequestName);
    expect(isEventName).toBe(channels.isEventName);
  });

  it.each([
    ['uploads.add without paths', 'uploads.add', { targetId: 't1' }],
    ['uploads.add with an empty path list', 'uploads.add', { paths: [], targetId: 't1' }],
    ['uploads.add with a non-string path', 'uploads.add', { paths: [42], targetId: 't1' }],
    ['uploads.add with empty path and grant lists', 'uploads.add', { paths: [], grants: [], targetId: 't1' }],
    ['uploads.add with a grant Hoist would never issue', 'uploads.add', { grants: ['/etc/passwd'], targetId: 't1' }],
    ['orphans.adopt naming no file', 'orphans.adopt', { targetId: 't1', uploadId: 'u' }],
    ['orphans.adopt naming a file twice', 'orphans.adopt', { targetId: 't1', uploadId: 'u', path: '/a', grant: 'g_AAAAAAAAAAAAAAAAAAAAAAAA' }],
    ['uploads.pause without id', 'uploads.pause', {}],
    ['uploads.pause with an empty id', 'uploads.pause', { id: '' }],
    ['resolveConflict with an unknown choice', 'uploads.resolveConflict', { id: 'a', choice: 'merge' }],
    ['app.info with extra fields', 'app.info', { evil: true }],
    ['settings.set with concurrency 0', 'settings.set', { concurrency: 0 }],
    ['settings.set with part size under 5 MiB', 'settings.set', { partSizeMiB: 4 }],
    ['settings.set with a string', 'settings.set', { notifications: 'yes' }],
    ['targets.save with a bad bucket name', 'targets.save', { target: { ...validTarget, bucket: 'Bad_Bucket' } }],
    ['targets.save with a non-http endpoint', 'targets.save', { target: { ...validTarget, endpoint: 'file:///etc/passwd' } }],
    ['targets.save with an unknown credential kind', 'targets.save', { target: { ...validTarget, credentials: { kind: 'root' } } }],
    ['dialog.pickPaths without folders flag', 'dialog.pickPaths', {}],
    ['folders.files without folderId', 'folders.files', { after: null }],
    ['folders.files with an unknown file state', 'folders.files', { folderId: 'f', states: ['lost'] }],
    ['folders.files with a limit over 1000', 'folders.files', { folderId: 'f', limit: 1001 }],
    ['folders.files with no states at all', 'folders.files', { folderId: 'f', states: [] }],
    ['folders.resume with a non-boolean choice', 'folders.resume', { id: 'f', sendChanged: 'yes' }],
    ['folders.cancel without id', 'folders.cancel', {}],
    ['folders.settleDiffering without a choice', 'folders.settleDiffering', { id: 'f' }],
    ['folders.settleDiffering with an unknown choice', 'folders.settleDiffering', { id: 'f', choice: 'merge' }],
    ['folders.settleDiffering naming files (main picks them)', 'folders.settleDiffering', { id: 'f', choice: 'overwrite', paths: ['a.txt'] }],
  ] as const)('rejects %s', (_label, name, payload) => {
    expect(requests[name].input.safeParse(payload).success).toBe(false);
  });

  it('accepts well-formed payloads', () => {
    expect(requests['uploads.add'].input.safeParse({ paths: ['/a', '/b'], targetId: 't1' }).success).toBe(true);
    expect(requests['uploads.add'].input.safeParse({ grants: ['g_AAAAAAAAAAAAAAAAAAAAAAAA'], targetId: 't1' }).success).toBe(true);
    expect(requests['settings.set'].input.safeParse({ concurrency: 8 }).success).toBe(true);
    expect(requests['targets.save'].input.safeParse({ target: { ...validTarget, endpoint: 'http://127.0.0.1:7480', credentials: { kind: 'keys', accessKeyId: 'AK' } }, secretAccessKey: 's' }).success).toBe(true);
    expect(requests['settings.set'].input.parse({ concurrency: 8 })).toEqual({ concurrency: 8 });
    expect(requests['folders.files'].input.parse({ folderId: 'f' })).toEqual({ folderId: 'f', after: null, limit: 200 });
    expect(requests['folders.resume'].input.parse({ id: 'f' })).toEqual({ id: 'f', sendChanged: false });
    expect(requests['folders.settleDiffering'].input.parse({ id: 'f', choice: 'skip' })).toEqual({ id: 'f', choice: 'skip' });
  });

  it('validates event payloads too', () => {
    expect(events['uploads.removed'].safeParse({ ids: ['a'] }).success).toBe(true);
    expect(events.notice.safeParse({ level: 'fatal', message: 'x' }).success).toBe(false);
    expect(events['folders.removed'].safeParse({ ids: ['f'] }).success).toBe(true);
    expect(events['folders.changed'].safeParse({ folders: [{ id: 'f', state: 'sending' }] }).success).toBe(false);
  });
});
