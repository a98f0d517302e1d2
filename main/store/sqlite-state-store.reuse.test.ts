import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SqliteStateStore } from './sqlite-state-store.ts';

// reuseSource: the changed source keeps its multipart upload and the parts that still match.

const SOURCE = { size: 32, mtimeNs: '1800000000000000000', fileId: '2049:99', fingerprint: 'fp2', partSize: 10, singlePut: false, snapshot: null };

describe('SqliteStateStore.reuseSource', () => {
  let store: SqliteStateStore;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 5000 });
    store = new SqliteStateStore(new Database(':memory:'));
    store.createUpload(
      {
        id: 'u1',
        endpoint: undefined,
        region: 'us-east-1',
        pathStyle: true,
        bucket: 'bucket',
        key: 'file.log',
        path: '/data/file.log',
        size: 25,
        partSize: 10,
        singlePut: false,
        mtimeNs: '1700000000123456789',
        fileId: '2049:1234',
        fingerprint: 'fp',
        startedAt: 1000,
        state: 'queued',
      },
      [
        { partNumber: 1, offset: 0, size: 10 },
        { partNumber: 2, offset: 10, size: 10 },
        { partNumber: 3, offset: 20, size: 5 },
      ],
    );
    store.setUploadId('u1', 'mpu-1');
    store.setExpiresAt('u1', 99_000);
    store.setConflict('u1', 'size 25 → 32');
    store.setState('u1', 'failed', 'size 25 → 32');
  });

  afterEach(() => {
    store.close();
    vi.useRealTimers();
  });

  it('takes the new facts and plan, keeps the multipart upload, its expiry and the kept parts’ ETag and MD5', () => {
    vi.setSystemTime(9000);
    store.reuseSource('u1', SOURCE, [
      { partNumber: 1, offset: 0, size: 10, kept: { etag: '"e1"', md5: 'm1', checksum: 'sha256:c1' } },
      { partNumber: 2, offset: 10, size: 10, kept: { etag: '"e2"', md5: 'm2', checksum: null } },
      { partNumber: 3, offset: 20, size: 10, kept: null },
      { partNumber: 4, offset: 30, size: 2, kept: null },
    ]);

    expect(store.getUpload('u1')).toMatchObject({
      ...SOURCE,
      uploadId: 'mpu-1',
      expiresAt: 99_000,
      conflict: null,
      lastError: null,
      state: 'queued',
      restarts: 0,
      updatedAt: 9000,
    });
    expect(store.listParts('u1').map((p) => [p.partNumber, p.offset, p.size, p.state, p.etag, p.md5, p.checksum])).toEqual([
      [1, 0, 10, 'done', '"e1"', 'm1', 'sha256:c1'],
      [2, 10, 10, 'done', '"e2"', 'm2', null],
      [3, 20, 10, 'pending', null, null, null],
      [4, 30, 2, 'pending', null, null, null],
    ]);
  });

  it('is all or nothing', () => {
    const duplicate = [
      { partNumber: 1, offset: 0, size: 10, kept: { etag: '"e1"', md5: 'm1', checksum: null } },
      { partNumber: 1, offset: 10, size: 22, kept: null },
    ];
    expect(() => store.reuseSource('u1', SOURCE, duplicate)).toThrow();
    expect(store.getUpload('u1')).toMatchObject({ size: 25, conflict: 'size 25 → 32' });
    expect(store.listParts('u1').map((p) => p.size)).toEqual([10, 10, 5]);
  });

  it('refuses an upload that does not exist', () => {
    expect(() => store.reuseSource('nope', SOURCE, [])).toThrow();
  });
});
