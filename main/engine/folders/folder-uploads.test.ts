import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { localFolderLister } from '../../source/folder-lister.ts';
import { FileSource } from '../../source/file-source.ts';
import { SqliteFolderStore } from '../../store/sqlite-folder-store.ts';
import { SqliteStateStore } from '../../store/sqlite-state-store.ts';
import { LOCATION, MiB, TARGET, useEngineFixture } from '../testing/engine-fixture.ts';
import { RGW_LIKE, retryableFailure } from '../testing/memory-object-store.ts';
import type { Clock } from '../ports/clock.ts';
import type { UploadEngine } from '../upload-engine.ts';
import { FolderUploads } from './folder-uploads.ts';

// Folder uploads in the engine against the in-memory S3 server: what reaches
// the server, what is skipped, and how the state database records it.

const f = useEngineFixture();

function folderUploads(engine: UploadEngine, store = f.store, clock: Clock = { now: () => Date.now(), sleep: async () => undefined }): FolderUploads {
  return new FolderUploads({
    engine,
    folders: new SqliteFolderStore(store.database),
    capabilities: store,
    lister: localFolderLister,
    source: new FileSource(),
    clock,
    log: () => undefined,
  });
}

/** A folder of `count` small files (and one of 11 MiB, sent in parts: over twice the part size), with their bytes. */
function makeFolder(count: number): { root: string; files: Map<string, Buffer> } {
  const root = join(f.dir, 'folder');
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) files.set(`sub${i % 3}/file-${i}.bin`, randomBytes(100 + i));
  files.set('big.bin', randomBytes(11 * MiB + 5));
  for (const [relPath, content] of files) {
    mkdirSync(join(root, relPath, '..'), { recursive: true });
    writeFileSync(join(root, relPath), content);
  }
  return { root, files };
}

const request = (root: string) => ({ path: root, bucket: LOCATION.bucket, prefix: 'up/', target: TARGET, partSize: 5 * MiB, ifExists: 'skip-identical' as const });

describe('FolderUploads', () => {
  it('sends every file to prefix + its path, the big one in parts, and records the folder completed', async () => {
    const { root, files } = makeFolder(40);
    const folders = folderUploads(f.newEngine());
    const { folder } = await folders.addFolder(request(root));

    const result = await folders.run(folder.id);

    expect(result.outcome).toBe('completed');
    for (const [relPath, content] of files) f.expectObjectEquals(content, `up/${relPath}`);
    expect(result.totals.done.files).toBe(41);
    expect(folders.views()[0]).toMatchObject({ folder: { state: 'completed' }, running: false });
    // The big file is an upload of its own, kept out of the engine's own list (the folder shows it).
    expect(f.store.listUploads().filter((upload) => upload.folderId === folder.id)).toHaveLength(1);
    expect(f.newEngine().snapshot()).toEqual([]);
  });

  it('sends a file under twice the part size whole, in one PutObject into a part buffer; one at twice the part size goes in parts', async () => {
    const root = join(f.dir, 'mid');
    mkdirSync(root, { recursive: true });
    const mid = randomBytes(7 * MiB + 3);
    const edge = randomBytes(10 * MiB);
    writeFileSync(join(root, 'mid.bin'), mid);
    writeFileSync(join(root, 'edge.bin'), edge);
    const engine = f.newEngine();
    const folders = folderUploads(engine);

    const result = await folders.run((await folders.addFolder(request(root))).folder.id);

    expect(result.outcome).toBe('completed');
    f.expectObjectEquals(mid, 'up/mid.bin');
    f.expectObjectEquals(edge, 'up/edge.bin');
    expect(f.s3.callsOf('putObject')).toHaveLength(1);
    expect(f.s3.callsOf('createMultipartUpload')).toHaveLength(1);
    expect((await f.s3.headObject({ bucket: LOCATION.bucket, key: 'up/mid.bin' }))?.etag).not.toContain('-');
    expect((await f.s3.headObject({ bucket: LOCATION.bucket, key: 'up/edge.bin' }))?.etag).toMatch(/-2"$/);
    // The 7 MiB file's buffer is one of the process's part buffers, of twice the part size, handed back once sent.
    const { buffers } = engine.sendingShare();
    expect(buffers.held).toBeLessThanOrEqual(engine.sendingShare().pool.size);
    expect(buffers.idle).toBe(buffers.held);
  });

  it('with a fresh state database, recognises a file under twice the part size sent whole or in parts (by an earlier Hoist)', async () => {
    const root = join(f.dir, 'again');
    mkdirSync(root, { recursive: true });
    const whole = randomBytes(7 * MiB);
    const parted = randomBytes(8 * MiB + 1);
    writeFileSync(join(root, 'whole.bin'), whole);
    writeFileSync(join(root, 'parted.bin'), parted);
    await f.s3.putObject({ bucket: LOCATION.bucket, key: 'up/whole.bin' }, whole, {});
    const at = { bucket: LOCATION.bucket, key: 'up/parted.bin' };
    const { uploadId } = await f.s3.createMultipartUpload(at);
    const first = await f.s3.uploadPart(at, uploadId, 1, parted.subarray(0, 5 * MiB), {});
    const second = await f.s3.uploadPart(at, uploadId, 2, parted.subarray(5 * MiB), {});
    await f.s3.completeMultipartUpload(at, uploadId, [
      { partNumber: 1, etag: first.etag },
      { partNumber: 2, etag: second.etag },
    ]);
    const folders = folderUploads(f.newEngine());
    const puts = f.s3.calls.filter((call) => call.op === 'putObject').length;

    const result = await folders.run((await folders.addFolder(request(root))).folder.id);

    expect(result).toMatchObject({ outcome: 'completed', totals: { there: { files: 2 }, done: { files: 0 } } });
    expect(f.s3.calls.filter((call) => call.op === 'putObject').length).toBe(puts);
  });

  it('with a fresh state database, finds every file already there through a listing read a page at a time', async () => {
    const { root } = makeFolder(25);
    const first = folderUploads(f.newEngine());
    await first.run((await first.addFolder(request(root))).folder.id);
    f.s3.listPageSize = 4;
    const fresh = new SqliteStateStore(new Database(':memory:'));
    fresh.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...RGW_LIKE, probedAt: 1 });
    const engine = f.newEngine({}, {});
    const again = folderUploads(engine, fresh);
    const puts = f.s3.calls.filter((call) => call.op === 'putObject').length;

    const result = await again.run((await again.addFolder(request(root))).folder.id);

    expect(result).toMatchObject({ outcome: 'completed', totals: { there: { files: 26 }, done: { files: 0 } } });
    expect(f.s3.calls.filter((call) => call.op === 'putObject').length).toBe(puts);
    fresh.close();
  });

  it('a paused run writes nothing after it ends, and the next run sends the rest (settling any file left on its way)', async () => {
    const { root, files } = makeFolder(30);
    let puts = 0;
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    const s3 = f.s3;
    const original = s3.putObject.bind(s3);
    s3.putObject = async (...args) => {
      puts += 1;
      if (puts === 10) {
        arrived();
        await released;
      }
      return original(...args);
    };
    const folders = folderUploads(f.newEngine({ concurrency: 2 }));
    const { folder } = await folders.addFolder(request(root));
    const running = folders.run(folder.id);
    await reached;
    const pausing = folders.pause(folder.id);
    release();
    await pausing;
    expect((await running).outcome).toBe('stopped');
    const after = JSON.stringify(folders.store.folderTotals(folder.id));
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(JSON.stringify(folders.store.folderTotals(folder.id))).toBe(after);
    expect(folders.store.getFolder(folder.id)?.state).toBe('paused');

    const result = await folders.run(folder.id);

    expect(result.outcome).toBe('completed');
    for (const [relPath, content] of files) f.expectObjectEquals(content, `up/${relPath}`);
  });

  it('pause returns while a big file is on its way: its upload is paused with the folder, and the next run finishes it', async () => {
    const { root, files } = makeFolder(3);
    const folders = folderUploads(f.newEngine());
    const { folder } = await folders.addFolder(request(root));
    const held = f.s3.holdUploadPart(2);
    const running = folders.run(folder.id);
    await held.reached;

    await folders.pause(folder.id);

    expect((await running).outcome).toBe('stopped');
    held.release();
    expect((await folders.run(folder.id)).outcome).toBe('completed');
    for (const [relPath, content] of files) f.expectObjectEquals(content, `up/${relPath}`);
  });

  it('keeps the wait before the folder tries a failed request of its own again, tells of it, and clears it once answered', async () => {
    const { root } = makeFolder(2);
    // The clock holds the wait until the test has looked at it.
    let wake = (): void => undefined;
    let sleptFor = (_ms: number): void => undefined;
    const slept = new Promise<number>((resolve) => (sleptFor = resolve));
    const clock: Clock = {
      now: () => 1_000,
      sleep: (ms) => {
        sleptFor(ms);
        return new Promise<void>((resolve) => (wake = resolve));
      },
    };
    const uploads = folderUploads(f.newEngine(), f.store, clock);
    const told: string[] = [];
    uploads.onRetryChange((id) => told.push(id));
    const { folder } = await uploads.addFolder(request(root));
    f.s3.failNext('listMultipartUploads', retryableFailure('ServiceUnavailable', 503));

    const run = uploads.run(folder.id);
    const delay = await slept;
    expect(uploads.retrying(folder.id)).toEqual({ atMs: 1_000 + delay, cause: 'temporary server error (injected ServiceUnavailable)', attempt: 1, of: 3 });
    expect(told).toEqual([folder.id]);

    wake();
    expect((await run).outcome).toBe('completed');
    expect(uploads.retrying(folder.id)).toBeUndefined();
    expect(told).toEqual([folder.id, folder.id]);
  });
});
