import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TargetCapabilities } from '../engine/ports/records.ts';
import { SqliteStateStore } from './sqlite-state-store.ts';

const CAPS: TargetCapabilities = { contentMd5: 'verified', checksumSha256: 'ignored', returnsChecksums: false, etagIsMd5: true, probedAt: 1234 };

describe('SqliteStateStore: checksums, missing sources and target capabilities', () => {
  let store: SqliteStateStore;

  beforeEach(() => {
    store = new SqliteStateStore(new Database(':memory:'));
    store.createUpload(
      {
        id: 'u1',
        endpoint: 'http://s3.local',
        region: 'us-east-1',
        pathStyle: true,
        bucket: 'b',
        key: 'k',
        path: '/data/f',
        size: 20,
        partSize: 10,
        singlePut: false,
        mtimeNs: '1',
        fileId: '1:1',
        fingerprint: 'fp',
        startedAt: 1,
        state: 'queued',
      },
      [
        { partNumber: 1, offset: 0, size: 10 },
        { partNumber: 2, offset: 10, size: 10 },
      ],
    );
  });

  afterEach(() => {
    store.close();
  });

  it('keeps the checksum algorithm with the multipart upload it belongs to', () => {
    store.setUploadId('u1', 'mpu-1', 'sha256');
    expect(store.getUpload('u1')).toMatchObject({ uploadId: 'mpu-1', checksumAlgorithm: 'sha256' });
    store.restartUpload('u1', 'mpu-2');
    expect(store.getUpload('u1')).toMatchObject({ uploadId: 'mpu-2', checksumAlgorithm: null, restarts: 1 });
    store.restartUpload('u1', 'mpu-3', 'sha256');
    expect(store.getUpload('u1')).toMatchObject({ uploadId: 'mpu-3', checksumAlgorithm: 'sha256' });
    store.replaceSource('u1', { size: 5, mtimeNs: '2', fileId: '1:1', fingerprint: 'fp2', partSize: 10, singlePut: true, snapshot: null }, [{ partNumber: 1, offset: 0, size: 5 }]);
    expect(store.getUpload('u1')).toMatchObject({ uploadId: null, checksumAlgorithm: null });
  });

  it('records a part checksum at its start, and for an adopted part at its end without overwriting one', () => {
    store.markPartStarted('u1', 1, 'm1', 'sha256:aa');
    store.markPartDone('u1', 1, '"e1"');
    store.markPartDone('u1', 2, '"e2"', 'm2', 'sha256:bb');
    expect(store.listParts('u1').map((p) => [p.partNumber, p.state, p.md5, p.checksum])).toEqual([
      [1, 'done', 'm1', 'sha256:aa'],
      [2, 'done', 'm2', 'sha256:bb'],
    ]);
  });

  it('marks a missing source until it is cleared or the upload completes', () => {
    store.setSourceMissing('u1', true);
    expect(store.getUpload('u1')?.sourceMissing).toBe(true);
    store.setSourceMissing('u1', false);
    expect(store.getUpload('u1')?.sourceMissing).toBe(false);
    store.setSourceMissing('u1', true);
    store.markCompleted('u1', '"etag"');
    expect(store.getUpload('u1')?.sourceMissing).toBe(false);
    expect(() => store.setSourceMissing('nope', true)).toThrow(/not in the state database/);
  });

  it('stores capabilities per endpoint and bucket, AWS (no endpoint) apart, replacing an older probe', () => {
    expect(store.getCapabilities('http://s3.local', 'b')).toBeUndefined();
    store.saveCapabilities('http://s3.local', 'b', CAPS);
    store.saveCapabilities(undefined, 'b', { ...CAPS, checksumSha256: 'verified', returnsChecksums: true, probedAt: 5 });
    expect(store.getCapabilities('http://s3.local', 'b')).toEqual(CAPS);
    expect(store.getCapabilities('http://s3.local', 'other')).toBeUndefined();
    expect(store.getCapabilities(undefined, 'b')).toMatchObject({ checksumSha256: 'verified', returnsChecksums: true, probedAt: 5 });
    store.saveCapabilities('http://s3.local', 'b', { ...CAPS, contentMd5: 'rejected', probedAt: 9 });
    expect(store.getCapabilities('http://s3.local', 'b')).toMatchObject({ contentMd5: 'rejected', probedAt: 9 });
  });

  it('treats an unreadable capabilities row as never probed', () => {
    const write = store.database.prepare(`INSERT OR REPLACE INTO target_capabilities (endpoint, bucket, data, probed_at) VALUES ('x', 'b', ?, 1)`);
    for (const data of ['not json', '{}', JSON.stringify({ ...CAPS, contentMd5: 'maybe' }), JSON.stringify({ ...CAPS, etagIsMd5: 'yes' })]) {
      write.run(data);
      expect(store.getCapabilities('x', 'b')).toBeUndefined();
    }
  });
});
