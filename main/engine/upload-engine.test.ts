import { randomBytes } from 'node:crypto';
import { utimesSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileSource } from '../source/file-source.ts';
import { systemClock } from '../platform/system-clock.ts';
import { FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';
import { MemoryObjectStore, fatalFailure, retryableFailure } from './testing/memory-object-store.ts';
import type { EngineEvent, RunResult } from './upload-engine.ts';

// The engine end to end with everything real except the network: the SQLite
// state store (in memory), real temp files through FileSource, the system
// clock (with 1 ms retry delays), and an in-memory S3 that checks Content-MD5
// and builds the object and its ETag as S3 does.

const fixture = useEngineFixture();
const { newEngine, writeSource, addUpload, expectObjectEquals } = fixture;

const partStates = (id: string): string[] => fixture.store.listParts(id).map((part) => part.state);
const uploadPartsOf = (partNumber: number): number => fixture.s3.callsOf('uploadPart').filter((call) => call.partNumber === partNumber).length;

describe('UploadEngine', () => {
  it('uploads a file in parts, completes, and the object equals the file', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    expect(fixture.store.listParts(id).map((part) => part.size)).toEqual([5 * MiB, 5 * MiB, 3 * MiB + 12_345]);

    const result = await engine.run(id);

    expect(result).toEqual<RunResult>({ id, outcome: 'completed', error: null, bytesSent: FILE_SIZE, partsSkipped: 0, restarted: false });
    expectObjectEquals(content);
    const record = fixture.store.getUpload(id);
    expect(record?.state).toBe('completed');
    expect(record?.etag).toBe(fixture.s3.getObject(LOCATION)?.etag);
    expect(record?.etag).toMatch(/^"[0-9a-f]{32}-3"$/);
    expect(partStates(id)).toEqual(['done', 'done', 'done']);
    expect(fixture.s3.uploads.size).toBe(0);
    expect(fixture.s3.callsOf('uploadPart')).toHaveLength(3);
  });

  it('retries a part that fails with a retryable error, then completes', async () => {
    const engine = newEngine();
    const logs: string[] = [];
    engine.on((event) => {
      if (event.type === 'log') logs.push(event.message);
    });
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    fixture.s3.failNext('uploadPart', retryableFailure('SlowDown', 503), { partNumber: 2 });

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(uploadPartsOf(2)).toBe(2);
    expect(uploadPartsOf(1)).toBe(1);
    expectObjectEquals(content);
    expect(logs.some((message) => /UploadPart 2: .*SlowDown.*retrying/.test(message))).toBe(true);
  });

  it('recovers from a corrupted send (BadDigest) by sending the part again', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    // A byte flipped on the wire: the fake's Content-MD5 check answers BadDigest, as S3 does.
    fixture.s3.corruptNextUploadPart(3);

    expect((await engine.run(id)).outcome).toBe('completed');
    expect(uploadPartsOf(3)).toBe(2);
    expectObjectEquals(content);
  });

  it('fails the upload on a fatal error: state failed, lastError set, nothing completed', async () => {
    const engine = newEngine();
    const { path } = writeSource();
    const id = await addUpload(engine, path);
    const failure = fatalFailure('AccessDenied', 403);
    fixture.s3.failNext('uploadPart', failure, { partNumber: 2 });

    const result = await engine.run(id);

    expect(result.outcome).toBe('failed');
    expect(result.error).toBe(failure.message);
    // Fatal means no retry.
    expect(uploadPartsOf(2)).toBe(1);
    const record = fixture.store.getUpload(id);
    expect(record?.state).toBe('failed');
    expect(record?.lastError).toBe(failure.message);
    expect(fixture.store.listEvents(id).at(-2)).toMatchObject({ kind: 'failed', message: failure.message });
    // A permanent failure: only the user's Retry tries it again (resumeAll with skipFailedForGood leaves it).
    expect(fixture.store.listEvents(id).at(-1)).toMatchObject({ kind: 'waits-for-retry' });
    expect(fixture.store.listParts(id)[1]?.state).toBe('pending');
    expect(fixture.s3.getObject(LOCATION)).toBeUndefined();
    expect(fixture.s3.callsOf('completeMultipartUpload')).toHaveLength(0);
  });

  describe('retry budget', () => {
    // One part at a time, so the order of failures is exactly as injected.
    const options = { concurrency: 1, retryPolicy: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 } };

    it('starts over after progress: 2 failures, a success, 2 more failures still complete with maxRetries 2', async () => {
      const engine = newEngine(options);
      const { path, content } = writeSource();
      const id = await addUpload(engine, path);
      fixture.s3.failNext('uploadPart', retryableFailure(), { partNumber: 1, times: 2 });
      fixture.s3.failNext('uploadPart', retryableFailure(), { partNumber: 2, times: 2 });

      const result = await engine.run(id);

      expect(result.outcome).toBe('completed');
      expect(fixture.s3.pendingFailures).toBe(0);
      expect([uploadPartsOf(1), uploadPartsOf(2), uploadPartsOf(3)]).toEqual([3, 3, 1]);
      expectObjectEquals(content);
    });

    it('gives up after maxRetries + 1 failures in a row', async () => {
      const engine = newEngine(options);
      const { path } = writeSource();
      const id = await addUpload(engine, path);
      fixture.s3.failNext('uploadPart', retryableFailure('InternalError'), { partNumber: 2, times: 3 });

      const result = await engine.run(id);

      expect(result.outcome).toBe('failed');
      expect(result.error).toMatch(/InternalError/);
      expect(uploadPartsOf(2)).toBe(3);
      expect(uploadPartsOf(3)).toBe(0);
      expect(fixture.store.getUpload(id)?.state).toBe('failed');
      expect(partStates(id)).toEqual(['done', 'pending', 'pending']);
    });
  });

  it('pauses with a part in flight: that part goes back to pending, and the next run completes without resending done parts', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    const held = fixture.s3.holdUploadPart(1);

    const running = engine.run(id);
    await held.reached;
    await engine.pause(id);
    const paused = await running;

    expect(paused.outcome).toBe('paused');
    expect(paused.error).toBeNull();
    expect(fixture.store.getUpload(id)?.state).toBe('paused');
    const part1 = fixture.store.listParts(id)[0];
    expect(part1?.state).toBe('pending');
    expect(part1?.etag).toBeNull();
    expect(part1?.md5).toMatch(/^[0-9a-f]{32}$/); // kept: it identifies the part if the server did get it
    expect(fixture.store.listEvents(id).some((event) => event.kind === 'paused')).toBe(true);
    expect(fixture.s3.getObject(LOCATION)).toBeUndefined();

    const doneBefore = fixture.store.listParts(id).filter((part) => part.state === 'done').map((part) => part.partNumber);
    const callsBefore = fixture.s3.callsOf('uploadPart').length;
    const resumed = await engine.run(id);

    expect(resumed.outcome).toBe('completed');
    expect(resumed.partsSkipped).toBe(doneBefore.length);
    const resent = fixture.s3.callsOf('uploadPart').slice(callsBefore).map((call) => call.partNumber);
    expect(resent).toContain(1);
    for (const partNumber of doneBefore) expect(resent).not.toContain(partNumber);
    expectObjectEquals(content);
  });

  it('cancels a running upload: aborted on the server and forgotten locally', async () => {
    const engine = newEngine();
    const { path } = writeSource();
    const id = await addUpload(engine, path);
    const held = fixture.s3.holdUploadPart(1);

    const running = engine.run(id);
    await held.reached;
    expect(fixture.s3.uploads.size).toBe(1);
    await engine.cancel(id);

    expect((await running).outcome).toBe('cancelled');
    expect(fixture.s3.uploads.size).toBe(0);
    expect(fixture.s3.callsOf('abortMultipartUpload')).toHaveLength(1);
    expect(fixture.s3.getObject(LOCATION)).toBeUndefined();
    expect(fixture.store.getUpload(id)).toBeUndefined();
    expect(fixture.store.listParts(id)).toEqual([]);
  });

  it('cancels a paused upload the same way', async () => {
    const engine = newEngine();
    const { path } = writeSource();
    const id = await addUpload(engine, path);
    fixture.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    await engine.run(id);
    expect(fixture.s3.uploads.size).toBe(1);

    await engine.cancel(id);

    expect(fixture.s3.uploads.size).toBe(0);
    expect(fixture.store.getUpload(id)).toBeUndefined();
  });

  it('coalesces progress events: far fewer than byte callbacks, never two within the interval', async () => {
    const engine = newEngine({ progressIntervalMs: 50 });
    // 64 KiB chunks 2 ms apart: the run takes a few hundred ms and reports bytes ~200 times.
    fixture.s3.chunkSize = 64 * 1024;
    fixture.s3.chunkDelayMs = 2;
    const progressTimes: number[] = [];
    const progressEvents: Array<Extract<EngineEvent, { type: 'progress' }>> = [];
    engine.on((event) => {
      if (event.type !== 'progress') return;
      progressTimes.push(performance.now());
      progressEvents.push(event);
    });
    const { path } = writeSource();
    const id = await addUpload(engine, path);

    const started = performance.now();
    expect((await engine.run(id)).outcome).toBe('completed');
    // The final state is flushed on the next tick of the interval.
    await new Promise((resolve) => setTimeout(resolve, 120));
    const elapsed = performance.now() - started;

    expect(fixture.s3.bytesSentCallbacks).toBeGreaterThanOrEqual(200);
    expect(progressEvents.length).toBeGreaterThanOrEqual(2);
    // At most one event per interval (however slow the machine), and far fewer than byte reports.
    expect(progressEvents.length).toBeLessThanOrEqual(Math.ceil(elapsed / 50) + 1);
    expect(progressEvents.length * 5).toBeLessThan(fixture.s3.bytesSentCallbacks);
    const gaps = progressTimes.slice(1).map((time, i) => time - (progressTimes[i] as number));
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(40);
    // Progress grows and the last event shows the upload complete.
    const done = progressEvents.map((event) => event.uploads.find((upload) => upload.id === id)?.bytesDone ?? 0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    expect(progressEvents.at(-1)?.uploads[0]).toMatchObject({ id, state: 'completed', bytesDone: FILE_SIZE, partsDone: 3, partsTotal: 3 });
  });

  it('restarts when the server lost the upload between runs (restarts = 1) and the object is right', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    fixture.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    expect((await engine.run(id)).outcome).toBe('failed');
    const lostUploadId = fixture.store.getUpload(id)?.uploadId as string;
    expect(lostUploadId).toBeTruthy();
    fixture.s3.forgetUpload(lostUploadId); // expired by a lifecycle rule, say

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(result.restarted).toBe(true);
    const record = fixture.store.getUpload(id);
    expect(record?.restarts).toBe(1);
    expect(record?.uploadId).not.toBe(lostUploadId);
    // Every part went to the new upload.
    expect(fixture.s3.callsOf('uploadPart').filter((call) => call.uploadId === record?.uploadId).map((call) => call.partNumber).sort()).toEqual([1, 2, 3]);
    expect(fixture.store.listEvents(id).some((event) => event.kind === 'restarted')).toBe(true);
    expectObjectEquals(content);
  });

  it('restarts within the same run when the server loses the upload while a part is going up', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await addUpload(engine, path);
    const held = fixture.s3.holdUploadPart(1);

    const running = engine.run(id);
    await held.reached;
    const lostUploadId = fixture.store.getUpload(id)?.uploadId as string;
    fixture.s3.forgetUpload(lostUploadId);
    held.release();
    const result = await running;

    expect(result.outcome).toBe('completed');
    expect(result.restarted).toBe(true);
    expect(fixture.store.getUpload(id)?.restarts).toBe(1);
    expect(fixture.store.getUpload(id)?.uploadId).not.toBe(lostUploadId);
    expectObjectEquals(content);
  });

  describe('probe before retrying', () => {
    // A server refusing a request with a body often closes the connection
    // before reading it, so the client sees a retryable broken pipe. A cheap
    // probe then reveals the real refusal, and no retries are wasted.
    it('fails at once when ListParts, probed after a failed UploadPart, is refused', async () => {
      const engine = newEngine({ concurrency: 1 });
      const { path } = writeSource();
      const id = await addUpload(engine, path);
      const refusal = fatalFailure('InvalidAccessKeyId', 403);
      fixture.s3.failNext('uploadPart', retryableFailure('EPIPE', undefined), { partNumber: 1 });
      fixture.s3.failNext('listParts', refusal);

      const result = await engine.run(id);

      expect(result.outcome).toBe('failed');
      expect(result.error).toBe(refusal.message);
      expect(uploadPartsOf(1)).toBe(1);
    });

    it('fails at once when checkAccess, probed after a failed PutObject, is refused', async () => {
      const engine = newEngine();
      const { path } = writeSource(100_000, 'small.bin');
      const id = await addUpload(engine, path);
      const refusal = fatalFailure('NoSuchBucket', 404);
      fixture.s3.failNext('putObject', retryableFailure('EPIPE', undefined));
      fixture.s3.failNext('checkAccess', refusal);

      const result = await engine.run(id);

      expect(result.outcome).toBe('failed');
      expect(result.error).toBe(refusal.message);
      expect(fixture.s3.callsOf('putObject')).toHaveLength(1);
    });

    it('retries as usual when the probe succeeds', async () => {
      const engine = newEngine();
      const { path, content } = writeSource(100_000, 'small.bin');
      const id = await addUpload(engine, path);
      fixture.s3.failNext('putObject', retryableFailure('EPIPE', undefined));

      expect((await engine.run(id)).outcome).toBe('completed');
      expect(fixture.s3.callsOf('checkAccess')).toHaveLength(1);
      expect(fixture.s3.callsOf('putObject')).toHaveLength(2);
      expectObjectEquals(content);
    });
  });

  it('refuses to continue when the file changed size between runs; nothing is completed', async () => {
    const engine = newEngine();
    const { path } = writeSource();
    const id = await addUpload(engine, path);
    fixture.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    await engine.run(id);
    writeFileSync(path, randomBytes(FILE_SIZE + 1000));
    const callsBefore = fixture.s3.calls.length;

    const result = await engine.run(id);

    // A conflict for the user to settle (see upload-engine.conflict.test.ts), stored as a failure with its reason.
    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/changed/);
    expect(fixture.store.getUpload(id)?.state).toBe('failed');
    expect(fixture.store.getUpload(id)?.lastError).toMatch(/changed/);
    // Checked before talking to the server at all.
    expect(fixture.s3.calls.length).toBe(callsBefore);
    expect(fixture.s3.getObject(LOCATION)).toBeUndefined();
    expect(fixture.s3.callsOf('completeMultipartUpload')).toHaveLength(0);
  });

  it('uploads a file smaller than one part with a single PutObject', async () => {
    const engine = newEngine();
    const { path, content } = writeSource(100_000, 'small.bin');
    const id = await addUpload(engine, path);
    expect(fixture.store.getUpload(id)?.singlePut).toBe(true);

    expect((await engine.run(id)).outcome).toBe('completed');
    expectObjectEquals(content);
    expect(fixture.s3.callsOf('createMultipartUpload')).toHaveLength(0);
    expect(fixture.store.getUpload(id)?.state).toBe('completed');
  });

  it('continues the unfinished upload of the same file and target instead of starting another', async () => {
    const engine = newEngine();
    const { path } = writeSource();
    const first = await engine.addUpload({ path, location: LOCATION, target: TARGET });
    const second = await engine.addUpload({ path, location: LOCATION, target: TARGET });
    expect(first.continued).toBe(false);
    expect(second).toEqual({ record: first.record, continued: true });
  });
});

describe('UploadEngine: source integrity and part states', () => {
  // Same size, same mtime, same inode, different bytes (coarse-timestamp file
  // systems, tools that keep the mtime): without a content check the run would
  // complete an object made of old part 1 and new part 3.
  // Assertions avoid printing a 13 MiB Buffer diff on failure.
  it('refuses a same-size, same-mtime rewrite instead of completing a mixed object', async () => {
    const engine = newEngine({ concurrency: 1 });
    const { path, content } = writeSource();
    utimesSync(path, 1_700_000_000, 1_700_000_000);
    const id = await addUpload(engine, path);
    // Part 1 done, part 2 started and failed, part 3 never started (no MD5 recorded).
    fixture.s3.failNext('uploadPart', fatalFailure(), { partNumber: 2 });
    expect((await engine.run(id)).outcome).toBe('failed');

    // Rewrite the first and the last MiB in place (same inode, same size), then put the mtime back.
    const changed = Buffer.from(content);
    randomBytes(MiB).copy(changed, 0);
    randomBytes(MiB).copy(changed, FILE_SIZE - MiB);
    writeFileSync(path, changed);
    utimesSync(path, 1_700_000_000, 1_700_000_000);

    const result = await engine.run(id);

    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/changed/);
    expect(fixture.s3.objects.size).toBe(0);
  });

  // The StateStore contract: a part that did not finish goes back to pending.
  it('puts the single PutObject part back to pending when it fails', async () => {
    const engine = newEngine();
    const { path } = writeSource(100_000, 'small.bin');
    const id = await addUpload(engine, path);
    fixture.s3.failNext('putObject', fatalFailure());

    const result = await engine.run(id);

    expect(result.outcome).toBe('failed');
    expect(partStates(id)).toEqual(['pending']);
  });
});

describe('UploadEngine: bounds', () => {
  // Memory is bounded by parts in flight × part size only if no part is read
  // before it holds a slot: count part buffers alive (read, not yet finished)
  // across two files running at once.
  it('never holds more part buffers than the concurrency, across files', async () => {
    const source = new FileSource();
    let alive = 0;
    let maxAlive = 0;
    const countingSource = {
      stat: (path: string) => source.stat(path),
      fingerprint: (path: string, size: number) => source.fingerprint(path, size),
      open: async (path: string) => {
        const reader = await source.open(path);
        return {
          read: async (offset: number, length: number) => {
            const bytes = await reader.read(offset, length);
            if (length > MiB) {
              alive += 1;
              maxAlive = Math.max(maxAlive, alive);
            }
            return bytes;
          },
          close: () => reader.close(),
        };
      },
    };
    class SlowObjectStore extends MemoryObjectStore {
      override async uploadPart(...args: Parameters<MemoryObjectStore['uploadPart']>) {
        await new Promise((resolve) => setTimeout(resolve, 2));
        try {
          return await super.uploadPart(...args);
        } finally {
          alive -= 1;
        }
      }
    }
    const objects = new SlowObjectStore();
    const engine = newEngine({ concurrency: 3 }, { objectStoreFor: () => objects, source: countingSource });
    const first = writeSource(6 * 5 * MiB, 'first.bin');
    const second = writeSource(6 * 5 * MiB, 'second.bin');
    const ids = [
      (await engine.addUpload({ path: first.path, location: { bucket: 'bucket', key: 'first' }, target: TARGET })).record.id,
      (await engine.addUpload({ path: second.path, location: { bucket: 'bucket', key: 'second' }, target: TARGET })).record.id,
    ];
    const results = await Promise.all(ids.map((id) => engine.run(id)));
    expect(results.map((result) => result.outcome)).toEqual(['completed', 'completed']);
    expect(maxAlive).toBe(3);
    expect(alive).toBe(0);
  });

  it('forgets finished uploads only after the retention period', async () => {
    let now = 1_000_000;
    const clock = { now: () => now, sleep: systemClock.sleep };
    const engine = newEngine({ retentionMs: 10_000 }, { clock });
    const { path } = writeSource(100_000, 'kept.bin');
    const id = await addUpload(engine, path);
    expect((await engine.run(id)).outcome).toBe('completed');
    const completedAt = fixture.store.getUpload(id)?.completedAt ?? 0;
    now = completedAt + 9_000;
    expect(engine.pruneHistory()).toBe(0);
    expect(fixture.store.getUpload(id)).toBeDefined();
    now = completedAt + 11_000;
    expect(engine.pruneHistory()).toBe(1);
    expect(fixture.store.getUpload(id)).toBeUndefined();
  });
});
