import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewUpload } from '../engine/ports/records.ts';
import { SqliteStateStore } from './sqlite-state-store.ts';

function newUpload(overrides: Partial<NewUpload> = {}): NewUpload {
  return {
    id: 'u1',
    endpoint: 'https://s3.example.test',
    region: 'us-east-1',
    pathStyle: true,
    bucket: 'bucket',
    key: 'dir/file.bin',
    path: '/data/file.bin',
    size: 25,
    partSize: 10,
    singlePut: false,
    mtimeNs: '1700000000123456789',
    fileId: '2049:1234',
    fingerprint: 'fp',
    startedAt: 1000,
    state: 'queued',
    ...overrides,
  };
}

const PARTS = [
  { partNumber: 1, offset: 0, size: 10 },
  { partNumber: 2, offset: 10, size: 10 },
  { partNumber: 3, offset: 20, size: 5 },
];

describe('SqliteStateStore', () => {
  let store: SqliteStateStore;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'], now: 5000 });
    store = new SqliteStateStore(new Database(':memory:'));
  });

  afterEach(() => {
    store.close();
    vi.useRealTimers();
  });

  it('createUpload stores the upload, pending parts and a created event', () => {
    const created = store.createUpload(newUpload(), PARTS);
    expect(created).toEqual({
      ...newUpload(),
      uploadId: null,
      updatedAt: 5000,
      completedAt: null,
      lastError: null,
      restarts: 0,
      etag: null,
      targetId: null,
      conflict: null,
      expiresAt: null,
      checksumAlgorithm: null,
      sourceMissing: false,
      sourceKind: 'file',
      snapshot: null,
      folderId: null,
      keyAtStart: null,
      foreignObject: null,
    });
    expect(store.getUpload('u1')).toEqual(created);
    expect(store.listParts('u1')).toEqual(
      PARTS.map((p) => ({ ...p, uploadRecordId: 'u1', state: 'pending', etag: null, md5: null, checksum: null, updatedAt: 5000 })),
    );
    expect(store.listEvents('u1')).toEqual([{ uploadRecordId: 'u1', at: 5000, kind: 'created', message: expect.any(String) }]);
  });

  it('maps booleans and an undefined endpoint both ways', () => {
    const created = store.createUpload(newUpload({ endpoint: undefined, pathStyle: false, singlePut: true }), []);
    expect(created.endpoint).toBeUndefined();
    expect(created.pathStyle).toBe(false);
    expect(created.singlePut).toBe(true);
  });

  it('createUpload records the target id when given', () => {
    expect(store.createUpload(newUpload({ targetId: 'target-1' }), PARTS).targetId).toBe('target-1');
    expect(store.createUpload(newUpload({ id: 'u2', targetId: null }), PARTS).targetId).toBeNull();
  });

  it('createUpload is all or nothing', () => {
    const duplicatePart = [...PARTS, { partNumber: 1, offset: 0, size: 10 }];
    expect(() => store.createUpload(newUpload(), duplicatePart)).toThrow();
    expect(store.getUpload('u1')).toBeUndefined();
    expect(store.listParts('u1')).toEqual([]);
  });

  it('getUpload returns undefined for an unknown id', () => {
    expect(store.getUpload('nope')).toBeUndefined();
  });

  it('listUploads and listUnfinished order by start time; listUnfinished leaves out completed and cancelled', () => {
    store.createUpload(newUpload({ id: 'late', startedAt: 300 }), []);
    store.createUpload(newUpload({ id: 'early', startedAt: 100 }), []);
    store.createUpload(newUpload({ id: 'done', startedAt: 200 }), []);
    store.createUpload(newUpload({ id: 'gone', startedAt: 250 }), []);
    store.createUpload(newUpload({ id: 'failed', startedAt: 400 }), []);
    store.markCompleted('done', '"e"');
    store.setState('gone', 'cancelled');
    store.setState('failed', 'failed', 'boom');
    expect(store.listUploads().map((u) => u.id)).toEqual(['early', 'done', 'gone', 'late', 'failed']);
    expect(store.listUnfinished().map((u) => u.id)).toEqual(['early', 'late', 'failed']);
  });

  it('findUnfinished matches path, bucket, key and the endpoint null-safely', () => {
    store.createUpload(newUpload({ id: 'aws', endpoint: undefined }), []);
    store.createUpload(newUpload({ id: 'custom', endpoint: 'https://minio.local' }), []);
    const where = { bucket: 'bucket', key: 'dir/file.bin' };
    expect(store.findUnfinished('/data/file.bin', where, undefined)?.id).toBe('aws');
    expect(store.findUnfinished('/data/file.bin', where, 'https://minio.local')?.id).toBe('custom');
    expect(store.findUnfinished('/data/file.bin', where, 'https://other')).toBeUndefined();
    expect(store.findUnfinished('/data/other.bin', where, undefined)).toBeUndefined();
    expect(store.findUnfinished('/data/file.bin', { bucket: 'other', key: 'dir/file.bin' }, undefined)).toBeUndefined();
    expect(store.findUnfinished('/data/file.bin', { bucket: 'bucket', key: 'other' }, undefined)).toBeUndefined();
    store.markCompleted('aws', null);
    expect(store.findUnfinished('/data/file.bin', where, undefined)).toBeUndefined();
  });

  it('setUploadId records the server id', () => {
    store.createUpload(newUpload(), PARTS);
    vi.setSystemTime(6000);
    store.setUploadId('u1', 'mpu-1');
    expect(store.getUpload('u1')).toMatchObject({ uploadId: 'mpu-1', updatedAt: 6000 });
    store.setUploadId('u1', null);
    expect(store.getUpload('u1')?.uploadId).toBeNull();
  });

  it('setState leaves last_error alone when undefined and clears it when null', () => {
    store.createUpload(newUpload(), PARTS);
    store.setState('u1', 'failed', 'network down');
    expect(store.getUpload('u1')).toMatchObject({ state: 'failed', lastError: 'network down' });
    vi.setSystemTime(7000);
    store.setState('u1', 'paused');
    expect(store.getUpload('u1')).toMatchObject({ state: 'paused', lastError: 'network down', updatedAt: 7000 });
    store.setState('u1', 'uploading', null);
    expect(store.getUpload('u1')).toMatchObject({ state: 'uploading', lastError: null });
  });

  it('marks parts started, done and pending, touching the upload', () => {
    store.createUpload(newUpload(), PARTS);
    vi.setSystemTime(6000);
    store.markPartStarted('u1', 1, 'md5-1', 'sha256:aa');
    expect(store.listParts('u1')[0]).toMatchObject({ state: 'uploading', md5: 'md5-1', checksum: 'sha256:aa', updatedAt: 6000 });
    expect(store.getUpload('u1')?.updatedAt).toBe(6000);

    vi.setSystemTime(7000);
    store.markPartDone('u1', 1, '"etag-1"');
    expect(store.listParts('u1')[0]).toMatchObject({ state: 'done', etag: '"etag-1"', md5: 'md5-1', updatedAt: 7000 });
    expect(store.getUpload('u1')?.updatedAt).toBe(7000);

    store.markPartDone('u1', 2, '"etag-2"', 'md5-2');
    expect(store.listParts('u1')[1]).toMatchObject({ state: 'done', etag: '"etag-2"', md5: 'md5-2' });

    store.markPartStarted('u1', 3, 'md5-3', null);
    store.markPartPending('u1', 3);
    expect(store.listParts('u1')[2]).toMatchObject({ state: 'pending', md5: 'md5-3', checksum: null, etag: null });
  });

  it('part writes on an unknown part or upload throw instead of doing nothing', () => {
    store.createUpload(newUpload(), PARTS);
    expect(() => store.markPartStarted('u1', 9, 'x', null)).toThrow(/part 9 of upload u1/);
    expect(() => store.markPartDone('nope', 1, '"e"')).toThrow(/not in the state database/);
    expect(() => store.markPartPending('nope', 1)).toThrow();
    expect(() => store.setState('nope', 'paused')).toThrow();
    expect(() => store.setUploadId('nope', 'x')).toThrow();
    expect(() => store.markCompleted('nope', null)).toThrow();
    expect(() => store.restartUpload('nope', 'x')).toThrow();
    expect(() => store.setConflict('nope', 'x')).toThrow();
    expect(() => store.setExpiresAt('nope', 1)).toThrow();
    expect(() => store.replaceSource('nope', { size: 1, mtimeNs: '1', fileId: '1:1', fingerprint: 'f', partSize: 5, singlePut: true, snapshot: null }, [])).toThrow();
  });

  it('restartUpload replaces the upload id, counts the restart and resets every part', () => {
    store.createUpload(newUpload(), PARTS);
    store.setUploadId('u1', 'mpu-1');
    store.setState('u1', 'failed', 'NoSuchUpload');
    store.markPartStarted('u1', 1, 'md5-1', 'sha256:1');
    store.markPartDone('u1', 1, '"e1"');
    store.markPartStarted('u1', 2, 'md5-2', null);
    vi.setSystemTime(9000);
    store.restartUpload('u1', 'mpu-2');
    expect(store.getUpload('u1')).toMatchObject({ uploadId: 'mpu-2', restarts: 1, state: 'uploading', updatedAt: 9000 });
    for (const part of store.listParts('u1')) {
      expect(part).toMatchObject({ state: 'pending', etag: null, md5: null, checksum: null, updatedAt: 9000 });
    }
    store.restartUpload('u1', null);
    expect(store.getUpload('u1')).toMatchObject({ uploadId: null, restarts: 2 });
  });

  it('markCompleted sets the state, time and etag and clears the last error, conflict and expiry', () => {
    store.createUpload(newUpload(), PARTS);
    store.setState('u1', 'uploading', 'a retried error');
    store.setConflict('u1', 'size 25 → 26');
    store.setExpiresAt('u1', 99_000);
    vi.setSystemTime(8000);
    store.markCompleted('u1', '"abc-3"');
    expect(store.getUpload('u1')).toMatchObject({
      state: 'completed',
      completedAt: 8000,
      updatedAt: 8000,
      etag: '"abc-3"',
      lastError: null,
      conflict: null,
      expiresAt: null,
    });
  });

  it('setConflict and setExpiresAt set and clear their fields', () => {
    store.createUpload(newUpload(), PARTS);
    vi.setSystemTime(6000);
    store.setConflict('u1', 'size 25 → 30');
    store.setExpiresAt('u1', 123_456);
    expect(store.getUpload('u1')).toMatchObject({ conflict: 'size 25 → 30', expiresAt: 123_456, updatedAt: 6000 });
    store.setConflict('u1', null);
    store.setExpiresAt('u1', null);
    expect(store.getUpload('u1')).toMatchObject({ conflict: null, expiresAt: null });
  });

  it('setState keeps the expiry while unfinished and clears it when cancelled', () => {
    store.createUpload(newUpload(), PARTS);
    store.setExpiresAt('u1', 123_456);
    store.setState('u1', 'paused');
    store.setState('u1', 'failed', 'boom');
    expect(store.getUpload('u1')?.expiresAt).toBe(123_456);
    store.setState('u1', 'cancelled');
    expect(store.getUpload('u1')?.expiresAt).toBeNull();
  });

  it('replaceSource takes the new source facts and plan in one go, keeping restarts and the history', () => {
    store.createUpload(newUpload(), PARTS);
    store.setUploadId('u1', 'mpu-1');
    store.restartUpload('u1', 'mpu-2');
    store.markPartStarted('u1', 1, 'md5-1', null);
    store.markPartDone('u1', 1, '"e1"');
    store.setExpiresAt('u1', 99_000);
    store.setConflict('u1', 'size 25 → 12');
    store.setState('u1', 'failed', 'size 25 → 12');
    vi.setSystemTime(9000);

    const source = { size: 12, mtimeNs: '1800000000000000000', fileId: '2049:99', fingerprint: 'fp2', partSize: 5, singlePut: false, snapshot: null };
    store.replaceSource('u1', source, [
      { partNumber: 1, offset: 0, size: 5 },
      { partNumber: 2, offset: 5, size: 5 },
      { partNumber: 3, offset: 10, size: 2 },
    ]);

    expect(store.getUpload('u1')).toMatchObject({
      ...source,
      uploadId: null,
      conflict: null,
      expiresAt: null,
      lastError: null,
      state: 'queued',
      restarts: 1,
      updatedAt: 9000,
    });
    expect(store.listParts('u1').map((p) => [p.partNumber, p.offset, p.size, p.state, p.etag, p.md5])).toEqual([
      [1, 0, 5, 'pending', null, null],
      [2, 5, 5, 'pending', null, null],
      [3, 10, 2, 'pending', null, null],
    ]);
    expect(store.listEvents('u1').map((e) => e.kind)).toEqual(['created']);
  });

  it('replaceSource is all or nothing', () => {
    store.createUpload(newUpload(), PARTS);
    store.setConflict('u1', 'changed');
    const source = { size: 12, mtimeNs: '2', fileId: '2:2', fingerprint: 'fp2', partSize: 5, singlePut: false, snapshot: null };
    const duplicate = [
      { partNumber: 1, offset: 0, size: 5 },
      { partNumber: 1, offset: 5, size: 7 },
    ];
    expect(() => store.replaceSource('u1', source, duplicate)).toThrow();
    expect(store.getUpload('u1')).toMatchObject({ size: 25, conflict: 'changed' });
    expect(store.listParts('u1')).toHaveLength(3);
  });

  it('deleteUpload cascades to parts and events', () => {
    store.createUpload(newUpload(), PARTS);
    store.recordEvent({ uploadRecordId: 'u1', kind: 'paused', message: 'by user' });
    store.deleteUpload('u1');
    expect(store.getUpload('u1')).toBeUndefined();
    expect(store.listParts('u1')).toEqual([]);
    expect(store.listEvents('u1')).toEqual([]);
    expect(() => store.deleteUpload('u1')).not.toThrow();
  });

  it('recordEvent uses the given time or now, and listEvents keeps their order', () => {
    store.createUpload(newUpload(), PARTS);
    store.recordEvent({ uploadRecordId: 'u1', kind: 'resumed', message: 'second' });
    store.recordEvent({ uploadRecordId: 'u1', kind: 'failed', message: 'third', at: 6000 });
    store.recordEvent({ uploadRecordId: 'u1', kind: 'restarted', message: 'first', at: 10 });
    expect(store.listEvents('u1').map((e) => [e.at, e.kind, e.message])).toEqual([
      [10, 'restarted', 'first'],
      [5000, 'created', expect.any(String)],
      [5000, 'resumed', 'second'],
      [6000, 'failed', 'third'],
    ]);
    expect(() => store.recordEvent({ uploadRecordId: 'nope', kind: 'paused', message: '' })).toThrow(/FOREIGN KEY/);
  });

  it('pruneFinished removes only completed and cancelled uploads finished before the cut-off', () => {
    vi.setSystemTime(100);
    store.createUpload(newUpload({ id: 'old-done' }), PARTS);
    store.markCompleted('old-done', null);
    store.createUpload(newUpload({ id: 'old-cancelled' }), PARTS);
    store.setState('old-cancelled', 'cancelled');
    store.createUpload(newUpload({ id: 'old-failed' }), PARTS);
    store.setState('old-failed', 'failed', 'x');
    vi.setSystemTime(500);
    store.createUpload(newUpload({ id: 'new-done' }), PARTS);
    store.markCompleted('new-done', null);

    expect(store.pruneFinished(500).sort()).toEqual(['old-cancelled', 'old-done']);
    expect(store.listUploads().map((u) => u.id).sort()).toEqual(['new-done', 'old-failed']);
    expect(store.listParts('old-done')).toEqual([]);
    expect(store.pruneFinished(501)).toEqual(['new-done']);
    expect(store.pruneFinished(10_000)).toEqual([]);
  });
});

describe('SqliteStateStore on disk', () => {
  it('exposes its connection for the config store to share', () => {
    const db = new Database(':memory:');
    const store = new SqliteStateStore(db);
    expect(store.database).toBe(db);
    store.close();
  });

  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-store-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('a write is visible to a second connection as soon as the method returns', () => {
    const file = join(dir, 'nested', 'state.db');
    const writer = SqliteStateStore.open(file);
    const reader = SqliteStateStore.open(file);
    try {
      writer.createUpload(newUpload(), PARTS);
      writer.markPartStarted('u1', 2, 'md5-2', null);
      expect(reader.getUpload('u1')?.bucket).toBe('bucket');
      expect(reader.listParts('u1')[1]).toMatchObject({ state: 'uploading', md5: 'md5-2' });
    } finally {
      writer.close();
      reader.close();
    }
    const again = SqliteStateStore.open(file);
    try {
      expect(again.listParts('u1')).toHaveLength(3);
    } finally {
      again.close();
    }
  });
});
