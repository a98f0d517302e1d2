import { randomBytes } from 'node:crypto';
import { renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RESTARTED_MESSAGE } from './changes/conflict-restart.ts';
import { SourceError } from './errors.ts';
import { FILE_SIZE, LOCATION, MiB, useEngineFixture } from './testing/engine-fixture.ts';
import { fatalFailure } from './testing/memory-object-store.ts';
import type { EngineEvent, UploadEngine } from './upload-engine.ts';

// A source that changed while its upload was unfinished: the engine stops,
// records what changed, and waits for the user to start over or cancel.

const f = useEngineFixture();

/** Whole seconds: utimes cannot set the nanoseconds the record compares. */
const MTIME = 1_700_000_000;

/** An upload with parts 1-2 on the server and part 3 failed, so a multipart upload is open there. */
async function interruptedUpload(engine: UploadEngine): Promise<{ id: string; path: string; content: Buffer; uploadId: string }> {
  const { path, content } = f.writeSource();
  utimesSync(path, MTIME, MTIME);
  const id = await f.addUpload(engine, path);
  f.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
  expect((await engine.run(id)).outcome).toBe('failed');
  return { id, path, content, uploadId: f.store.getUpload(id)?.uploadId as string };
}

/** Runs it once more after the file changed, which ends in a conflict. */
async function conflicted(engine: UploadEngine, newSize = FILE_SIZE + 1000) {
  const upload = await interruptedUpload(engine);
  const newContent = randomBytes(newSize);
  writeFileSync(upload.path, newContent);
  const result = await engine.run(upload.id);
  expect(result.outcome).toBe('conflict');
  return { ...upload, newContent };
}

describe('UploadEngine: a changed source', () => {
  it('stops with outcome conflict, records what changed, and shows state conflict', async () => {
    const engine = f.newEngine();
    const upload = await interruptedUpload(engine);
    writeFileSync(upload.path, randomBytes(FILE_SIZE + 1000));
    const callsBefore = f.s3.calls.length;

    const result = await engine.run(upload.id);

    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/changed since the upload started \(size .*\)/);
    const record = f.store.getUpload(upload.id);
    expect(record).toMatchObject({ state: 'failed', conflict: result.error, lastError: result.error, uploadId: upload.uploadId });
    const [view] = engine.snapshot([upload.id]);
    expect(view).toMatchObject({ state: 'conflict', conflict: result.error, lastError: result.error });
    // Nothing was asked of the server, and its multipart upload is kept for the user's decision.
    expect(f.s3.calls.length).toBe(callsBefore);
    expect(f.s3.uploads.has(upload.uploadId)).toBe(true);
    expect(f.s3.getObject(LOCATION)).toBeUndefined();
  });

  it('names both modification times, as ISO times a host can show in its locale', async () => {
    const engine = f.newEngine();
    const upload = await interruptedUpload(engine);
    writeFileSync(upload.path, randomBytes(FILE_SIZE));
    utimesSync(upload.path, MTIME + 3600, MTIME + 3600);

    const result = await engine.run(upload.id);

    expect(result.outcome).toBe('conflict');
    expect(result.error).toContain(`(modification time ${new Date(MTIME * 1000).toISOString()} → ${new Date((MTIME + 3600) * 1000).toISOString()})`);
  });

  it('resumeAll and resumeAllRunnable leave an upload in conflict alone', async () => {
    const engine = f.newEngine();
    const { id } = await conflicted(engine);
    const callsBefore = f.s3.calls.length;

    expect(await engine.resumeAll({ includePaused: true })).toEqual([]);
    expect(await engine.resumeAllRunnable()).toEqual([]);
    expect(f.s3.calls.length).toBe(callsBefore);
    expect(engine.snapshot([id])[0]?.state).toBe('conflict');
  });

  it('a missing source is not a conflict: it shows as missing (see upload-engine.missing.test.ts)', async () => {
    const engine = f.newEngine();
    const upload = await interruptedUpload(engine);
    rmSync(upload.path);

    const result = await engine.run(upload.id);

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/file not found/);
    expect(f.store.getUpload(upload.id)).toMatchObject({ state: 'failed', conflict: null, lastError: result.error });
    expect(engine.snapshot([upload.id])[0]?.state).toBe('missing');
  });

  it('clears the conflict when the file is put back as it was, and completes', async () => {
    const engine = f.newEngine();
    const upload = await interruptedUpload(engine);
    writeFileSync(upload.path, randomBytes(FILE_SIZE));
    expect((await engine.run(upload.id)).outcome).toBe('conflict');

    writeFileSync(upload.path, upload.content);
    utimesSync(upload.path, MTIME, MTIME);
    const result = await engine.run(upload.id);

    expect(result.outcome).toBe('completed');
    expect(f.store.getUpload(upload.id)?.conflict).toBeNull();
    f.expectObjectEquals(upload.content);
  });
});

describe('UploadEngine.resolveConflict', () => {
  it("'restart' aborts the old upload, plans the new size, and the run uploads the new bytes", async () => {
    const engine = f.newEngine();
    const newSize = 17 * MiB + 3;
    const upload = await conflicted(engine, newSize);
    const restartsBefore = f.store.getUpload(upload.id)?.restarts;

    const record = await engine.resolveConflict(upload.id, 'restart');

    expect(f.s3.callsOf('abortMultipartUpload')).toEqual([{ op: 'abortMultipartUpload', uploadId: upload.uploadId }]);
    expect(f.s3.uploads.has(upload.uploadId)).toBe(false);
    expect(record).toMatchObject({ state: 'queued', conflict: null, lastError: null, uploadId: null, size: newSize, restarts: restartsBefore });
    expect(f.store.listParts(upload.id).map((part) => [part.size, part.state])).toEqual([
      [5 * MiB, 'pending'],
      [5 * MiB, 'pending'],
      [5 * MiB, 'pending'],
      [2 * MiB + 3, 'pending'],
    ]);
    expect(f.store.listEvents(upload.id).at(-1)).toMatchObject({ kind: 'restarted', message: RESTARTED_MESSAGE });
    expect(engine.snapshot([upload.id])[0]).toMatchObject({ state: 'queued', bytesDone: 0, partsTotal: 4, bytesTotal: newSize });

    const result = await engine.run(upload.id);

    expect(result.outcome).toBe('completed');
    f.expectObjectEquals(upload.newContent);
    expect(f.s3.uploads.size).toBe(0);
  });

  it("'restart' to a file now smaller than a part goes up as a single PutObject", async () => {
    const engine = f.newEngine();
    const upload = await conflicted(engine, 100_000);

    const record = await engine.resolveConflict(upload.id, 'restart');
    expect(record).toMatchObject({ singlePut: true, size: 100_000 });
    expect((await engine.run(upload.id)).outcome).toBe('completed');
    f.expectObjectEquals(upload.newContent);
  });

  it("'restart' is fine when the server had already discarded the old upload", async () => {
    const engine = f.newEngine();
    const upload = await conflicted(engine);
    f.s3.forgetUpload(upload.uploadId);

    await engine.resolveConflict(upload.id, 'restart');
    expect((await engine.run(upload.id)).outcome).toBe('completed');
    f.expectObjectEquals(upload.newContent);
  });

  it("'restart' with the file gone turns the conflict into a plain failure and keeps the server's upload", async () => {
    const engine = f.newEngine();
    const upload = await conflicted(engine);
    renameSync(upload.path, `${upload.path}.moved`);

    await expect(engine.resolveConflict(upload.id, 'restart')).rejects.toBeInstanceOf(SourceError);

    expect(f.store.getUpload(upload.id)).toMatchObject({ state: 'failed', conflict: null, lastError: expect.stringMatching(/file not found/) });
    expect(engine.snapshot([upload.id])[0]?.state).toBe('failed');
    expect(f.s3.callsOf('abortMultipartUpload')).toHaveLength(0);
    expect(f.s3.uploads.has(upload.uploadId)).toBe(true);
  });

  it("'cancel' aborts on the server and forgets the upload", async () => {
    const engine = f.newEngine();
    const removed: string[][] = [];
    engine.on((event: EngineEvent) => {
      if (event.type === 'removed') removed.push(event.ids);
    });
    const upload = await conflicted(engine);

    expect(await engine.resolveConflict(upload.id, 'cancel')).toBeUndefined();

    expect(f.store.getUpload(upload.id)).toBeUndefined();
    expect(f.s3.uploads.size).toBe(0);
    expect(removed).toEqual([[upload.id]]);
    expect(engine.snapshot()).toEqual([]);
  });

  it('refuses to restart an upload that has no conflict', async () => {
    const engine = f.newEngine();
    const upload = await interruptedUpload(engine);
    await expect(engine.resolveConflict(upload.id, 'restart')).rejects.toThrow(/no conflict/);
    await expect(engine.resolveConflict('nope', 'restart')).rejects.toThrow(/no upload/);
  });
});
