import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Clock } from './ports/clock.ts';
import type { BodyDigests, ObjectStore, SendOptions } from './ports/object-store.ts';
import type { ObjectLocation, TargetConfig } from './ports/records.ts';
import { systemClock } from '../platform/system-clock.ts';
import { FILE_SIZE, MiB, useEngineFixture } from './testing/engine-fixture.ts';
import { fatalFailure, MemoryObjectStore } from './testing/memory-object-store.ts';
import type { EngineEvent } from './upload-engine.ts';
import { DEFAULT_EXPIRY_MS } from './upload-engine.ts';

// The controls a desktop app needs beyond run/pause/cancel: expiry of
// unfinished uploads, pause and resume of everything, concurrency and
// bandwidth changed at runtime, per-target object stores, removal events.

const f = useEngineFixture();

/** The system clock's sleep, with a time of our choosing. */
function settableClock(start: number): Clock & { time: number } {
  const clock = { time: start, now: () => clock.time, sleep: systemClock.sleep };
  return clock;
}

describe('UploadEngine: expiry of unfinished uploads', () => {
  it('records when the server will discard the multipart upload (7 days by default), and clears it on completion', async () => {
    const clock = settableClock(1_000_000);
    const engine = f.newEngine({}, { clock });
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path);
    expect(f.store.getUpload(id)?.expiresAt).toBeNull();
    const held = f.s3.holdUploadPart(1);

    const running = engine.run(id);
    await held.reached;
    expect(f.store.getUpload(id)?.expiresAt).toBe(1_000_000 + DEFAULT_EXPIRY_MS);
    expect(engine.snapshot([id])[0]?.expiresAt).toBe(new Date(1_000_000 + DEFAULT_EXPIRY_MS).toISOString());
    held.release();

    expect((await running).outcome).toBe('completed');
    expect(f.store.getUpload(id)?.expiresAt).toBeNull();
    expect(engine.snapshot([id])[0]?.expiresAt).toBeNull();
  });

  it('asks expiryMsFor with the record, and records a new time when the upload starts over after being discarded', async () => {
    const clock = settableClock(5_000);
    const asked: Array<string | null> = [];
    const engine = f.newEngine({ expiryMsFor: (upload) => (asked.push(upload.targetId), 3_600_000) }, { clock });
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path, { targetId: 'target-a' });
    f.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    expect((await engine.run(id)).outcome).toBe('failed');
    const first = f.store.getUpload(id);
    expect(first?.expiresAt).toBe(5_000 + 3_600_000);
    expect(asked).toEqual(['target-a']);

    f.s3.forgetUpload(first?.uploadId as string);
    clock.time = 90_000;
    const result = await engine.run(id);

    expect(result).toMatchObject({ outcome: 'completed', restarted: true });
    expect(asked).toEqual(['target-a', 'target-a']);
    expect(f.store.getUpload(id)?.expiresAt).toBeNull();
  });

  it('records the restart time after the restart, before completion', async () => {
    const clock = settableClock(5_000);
    const engine = f.newEngine({ expiryMsFor: () => 1000 }, { clock });
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path);
    f.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    await engine.run(id);
    f.s3.forgetUpload(f.store.getUpload(id)?.uploadId as string);
    clock.time = 70_000;
    const held = f.s3.holdUploadPart(2);

    const running = engine.run(id);
    await held.reached;
    expect(f.store.getUpload(id)).toMatchObject({ restarts: 1, expiresAt: 71_000 });
    held.release();
    expect((await running).outcome).toBe('completed');
  });

  it('records a new time for the multipart upload made after a conflict restart', async () => {
    const clock = settableClock(5_000);
    const engine = f.newEngine({ expiryMsFor: () => 1000 }, { clock });
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path);
    f.s3.failNext('uploadPart', fatalFailure(), { partNumber: 3 });
    await engine.run(id);
    writeFileSync(path, randomBytes(FILE_SIZE + 1));
    expect((await engine.run(id)).outcome).toBe('conflict');

    clock.time = 50_000;
    expect((await engine.resolveConflict(id, 'restart'))?.expiresAt).toBeNull();
    const held = f.s3.holdUploadPart(1);
    const running = engine.run(id);
    await held.reached;
    expect(f.store.getUpload(id)?.expiresAt).toBe(51_000);
    held.release();
    expect((await running).outcome).toBe('completed');
  });

  it('records no time when the server never discards, nor for a single PutObject', async () => {
    const engine = f.newEngine({ expiryMsFor: () => null });
    const big = f.writeSource();
    const id = await f.addUpload(engine, big.path);
    const held = f.s3.holdUploadPart(1);
    const running = engine.run(id);
    await held.reached;
    expect(f.store.getUpload(id)?.uploadId).not.toBeNull();
    expect(f.store.getUpload(id)?.expiresAt).toBeNull();
    held.release();
    await running;

    const defaults = f.newEngine();
    const small = f.writeSource(100_000, 'small.bin');
    const smallId = await f.addUpload(defaults, small.path, { key: 'small.bin' });
    const puts: Array<number | null | undefined> = [];
    f.s3.putObject = async function (...args: Parameters<MemoryObjectStore['putObject']>) {
      puts.push(f.store.getUpload(smallId)?.expiresAt);
      return MemoryObjectStore.prototype.putObject.apply(this, args);
    };
    expect((await defaults.run(smallId)).outcome).toBe('completed');
    expect(puts).toEqual([null]);
  });
});

describe('UploadEngine: pause all, resume all', () => {
  it('pauseAll pauses running uploads, ones waiting for a slot and queued ones; resumeAllRunnable finishes them all', async () => {
    const engine = f.newEngine({ maxActiveUploads: 1 });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c']) ids.push(await f.addUpload(engine, f.writeSource(FILE_SIZE, `${name}.bin`).path, { key: name }));
    const [a, b, c] = ids as [string, string, string];
    const held = f.s3.holdUploadPart(1);
    const runningA = engine.run(a);
    const waitingB = engine.run(b); // no upload slot: waits for a
    await held.reached;

    await engine.pauseAll();

    expect((await runningA).outcome).toBe('paused');
    expect((await waitingB).outcome).toBe('paused');
    expect(ids.map((id) => f.store.getUpload(id)?.state)).toEqual(['paused', 'paused', 'paused']);
    expect(engine.isRunning(a) || engine.isRunning(b) || engine.isRunning(c)).toBe(false);
    expect(await engine.resumeAll({ includePaused: false })).toEqual([]);

    const results = await engine.resumeAllRunnable();
    expect(results.map((result) => [result.id, result.outcome])).toEqual(ids.map((id) => [id, 'completed']));
  });
});

describe('UploadEngine: bounded memory across uploads', () => {
  it('holds at most `concurrency` part buffers in all, however many uploads run at once', async () => {
    // Every part body the server receives, by the memory it lies in: distinct memories are distinct buffers.
    const memories = new Set<ArrayBufferLike>();
    const s3 = new (class extends MemoryObjectStore {
      override uploadPart(location: ObjectLocation, uploadId: string, partNumber: number, body: Uint8Array, digests: BodyDigests, options?: SendOptions) {
        memories.add(body.buffer);
        return super.uploadPart(location, uploadId, partNumber, body, digests, options);
      }
    })();
    const engine = f.newEngine({ concurrency: 4, maxActiveUploads: 4 }, { objectStoreFor: () => s3 });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd', 'e', 'f']) ids.push(await f.addUpload(engine, f.writeSource(FILE_SIZE, `${name}.bin`).path, { key: name }));
    const results = await engine.resumeAll({ includePaused: false });
    expect(results.map((result) => result.outcome)).toEqual(ids.map(() => 'completed'));
    // 6 uploads of 3 parts, 4 at a time: a pool per upload made a buffer for each of its parts in flight.
    expect(memories.size).toBeLessThanOrEqual(4);
    expect(engine.partBufferStats().allocated).toBe(memories.size);
    expect(engine.partBufferStats().held).toBeLessThanOrEqual(4);
  });
});

/** Counts UploadPart requests in flight, and how many there were as each one arrived. */
class CountingObjectStore extends MemoryObjectStore {
  inFlight = 0;
  readonly atArrival = new Map<number, number>();

  override async uploadPart(location: ObjectLocation, uploadId: string, partNumber: number, body: Uint8Array, digests: BodyDigests, options?: SendOptions) {
    this.inFlight += 1;
    this.atArrival.set(partNumber, this.inFlight);
    try {
      return await super.uploadPart(location, uploadId, partNumber, body, digests, options);
    } finally {
      this.inFlight -= 1;
    }
  }
}

describe('UploadEngine: concurrency and bandwidth at runtime', () => {
  it('setConcurrency lowers the parts in flight: parts started after the change go one at a time', async () => {
    const s3 = new CountingObjectStore();
    const engine = f.newEngine({ concurrency: 3 }, { objectStoreFor: () => s3 });
    const id = await f.addUpload(engine, f.writeSource(6 * 5 * MiB).path);
    const gates = [1, 2, 3].map((partNumber) => s3.holdUploadPart(partNumber));
    const running = engine.run(id);
    await Promise.all(gates.map((gate) => gate.reached));
    expect(s3.inFlight).toBe(3);

    engine.setConcurrency(1);
    for (const gate of gates) gate.release();

    expect((await running).outcome).toBe('completed');
    expect([4, 5, 6].map((partNumber) => s3.atArrival.get(partNumber))).toEqual([1, 1, 1]);
    expect(() => engine.setConcurrency(0)).toThrow(RangeError);
  });

  it('setBandwidthLimit holds all uploads together to the limit (measured on the engine clock)', async () => {
    // A clock whose time moves only when someone sleeps on it: the bandwidth
    // limit's waits are then the only time that passes, exactly.
    const clock = { time: 0, now: () => clock.time, sleep: async (ms: number) => void (clock.time += ms, await new Promise(setImmediate)) };
    f.s3.chunkSize = 64 * 1024;
    const engine = f.newEngine({ concurrency: 3 }, { clock });
    const rate = 4 * MiB;
    engine.setBandwidthLimit(rate);
    const first = f.writeSource(FILE_SIZE, 'a.bin');
    const second = f.writeSource(FILE_SIZE, 'b.bin');
    const ids = [await f.addUpload(engine, first.path, { key: 'a' }), await f.addUpload(engine, second.path, { key: 'b' })];

    const results = await Promise.all(ids.map((id) => engine.run(id)));

    expect(results.map((result) => result.outcome)).toEqual(['completed', 'completed']);
    const bytes = 2 * FILE_SIZE;
    // Never faster than the limit (beyond its quarter-second burst and one chunk), and not much slower.
    expect(clock.time).toBeGreaterThanOrEqual(((bytes - rate / 4 - 64 * 1024) / rate) * 1000);
    expect(clock.time).toBeLessThanOrEqual((bytes / rate) * 1000 + 500);
    f.expectObjectEquals(first.content, 'a');

    engine.setBandwidthLimit(0);
    const third = f.writeSource(FILE_SIZE, 'c.bin');
    const before = clock.time;
    expect((await engine.run(await f.addUpload(engine, third.path, { key: 'c' }))).outcome).toBe('completed');
    expect(clock.time).toBe(before);
  });
});

describe('UploadEngine: targets and removal events', () => {
  it('asks the factory once per target id (credentials may differ with the same endpoint) and passes the id', async () => {
    const asked: Array<TargetConfig & { targetId: string | null }> = [];
    const engine = f.newEngine({}, {
      objectStoreFor: (target): ObjectStore => {
        asked.push(target);
        return f.s3;
      },
    });
    const ids = [
      await f.addUpload(engine, f.writeSource(100, 'one.bin').path, { targetId: 't1', key: 'one' }),
      await f.addUpload(engine, f.writeSource(100, 'two.bin').path, { targetId: 't2', key: 'two' }),
      await f.addUpload(engine, f.writeSource(100, 'three.bin').path, { targetId: 't1', key: 'three' }),
      await f.addUpload(engine, f.writeSource(100, 'four.bin').path, { key: 'four' }),
    ];
    for (const id of ids) expect((await engine.run(id)).outcome).toBe('completed');

    expect(asked).toEqual([
      { endpoint: 'http://s3.fake.test', region: 'us-east-1', pathStyle: true, targetId: 't1' },
      { endpoint: 'http://s3.fake.test', region: 'us-east-1', pathStyle: true, targetId: 't2' },
      { endpoint: 'http://s3.fake.test', region: 'us-east-1', pathStyle: true, targetId: null },
    ]);
    expect(engine.snapshot(ids).map((view) => view.targetId)).toEqual(['t1', 't2', 't1', null]);
  });

  it("emits 'removed' when cancel, forget and pruneHistory take uploads away", async () => {
    const clock = settableClock(Date.now());
    const engine = f.newEngine({ retentionMs: 10_000 }, { clock });
    const removed: string[][] = [];
    engine.on((event: EngineEvent) => {
      if (event.type === 'removed') removed.push(event.ids);
    });
    const ids: string[] = [];
    for (const name of ['a', 'b', 'c', 'd']) ids.push(await f.addUpload(engine, f.writeSource(100, `${name}.bin`).path, { key: name }));
    const [a, b, c, d] = ids as [string, string, string, string];

    await engine.cancel(a);
    engine.forget(b);
    expect((await engine.run(c)).outcome).toBe('completed');
    expect((await engine.run(d)).outcome).toBe('completed');
    // The store stamps completion with the wall clock; the engine prunes by its own.
    clock.time = Math.max(...[c, d].map((id) => f.store.getUpload(id)?.completedAt ?? 0)) + 20_000;
    expect(engine.pruneHistory()).toBe(2);

    expect(removed.slice(0, 2)).toEqual([[a], [b]]);
    expect([...(removed[2] ?? [])].sort()).toEqual([c, d].sort());
    expect(f.store.listUploads()).toEqual([]);
    expect(engine.pruneHistory()).toBe(0);
    expect(removed).toHaveLength(3);
  });
});
