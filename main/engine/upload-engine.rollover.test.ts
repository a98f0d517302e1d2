import { describe, expect, it } from 'vitest';
import { completedPart } from './server/object-checks.ts';
import { LOCATION, MiB, useEngineFixture } from './testing/engine-fixture.ts';
import type { UploadEngine } from './upload-engine.ts';

// An upload that would outlive the server's expiry is renewed with its parts
// copied server-side: the client sends only what was never sent.
const f = useEngineFixture();
const HOUR = 3600_000;
const SIZE = 4 * 5 * MiB + 777;

/** Parts 1 and 2 done, 3 to 5 not: part 3 held, then paused away. */
async function halfDone(engine: UploadEngine) {
  const { path, content } = f.writeSource(SIZE);
  const id = await f.addUpload(engine, path);
  await f.pauseAtPart(engine, id, 3);
  return { id, content, oldUploadId: f.store.getUpload(id)?.uploadId as string };
}

describe('rollover before the server expires an upload', () => {
  it('takes the server’s abort date when it gives one', async () => {
    f.s3.lifecycleAbortMs = 30 * HOUR;
    const engine = f.newEngine({ concurrency: 1 });
    const { id } = await halfDone(engine);
    const expiresAt = f.store.getUpload(id)?.expiresAt ?? 0;
    expect(expiresAt - Date.now()).toBeGreaterThan(29 * HOUR);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(30 * HOUR);
  });

  it('takes the abort date ListParts gives on resume (a rule added since the upload started)', async () => {
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 0 });
    const { id } = await halfDone(engine);
    expect((f.store.getUpload(id)?.expiresAt ?? 0) - Date.now()).toBeGreaterThan(6 * 24 * HOUR);
    f.s3.lifecycleAbortMs = 20 * HOUR;
    const held = f.s3.holdUploadPart(3);
    const running = engine.run(id);
    await held.reached;
    const expiresIn = (f.store.getUpload(id)?.expiresAt ?? 0) - Date.now();
    expect(expiresIn).toBeGreaterThan(19 * HOUR);
    expect(expiresIn).toBeLessThanOrEqual(20 * HOUR);
    held.release();
    expect((await running).outcome).toBe('completed');
  });

  it('renews an upload inside the window: done parts copied server-side, only the rest sent, nothing left over', async () => {
    f.s3.lifecycleAbortMs = 10 * HOUR;
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 12 * HOUR });
    const { id, content, oldUploadId } = await halfDone(engine);
    const sentBefore = f.s3.callsOf('uploadPart').length;

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPartCopy').map((call) => call.partNumber)).toEqual([1, 2]);
    expect(f.s3.callsOf('uploadPart').slice(sentBefore).map((call) => call.partNumber)).toEqual([3, 4, 5]);
    expect(result.bytesSent).toBe(SIZE - 10 * MiB);
    f.expectObjectEquals(content);
    expect([...f.s3.objects.keys()]).toEqual([`${LOCATION.bucket}/${LOCATION.key}`]);
    expect(f.s3.uploads.size).toBe(0);
    expect(f.s3.uploads.has(oldUploadId)).toBe(false);
    expect(f.store.listEvents(id).find((event) => event.kind === 'rolled-over')?.message).toMatch(/2 parts \(10485760 bytes\) copied server-side/);
  });

  it('does not renew outside the window', async () => {
    f.s3.lifecycleAbortMs = 30 * HOUR;
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 12 * HOUR });
    const { id, content } = await halfDone(engine);
    expect((await engine.run(id)).outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPartCopy')).toEqual([]);
    f.expectObjectEquals(content);
  });

  it('warns instead when the key holds an object the interim one would replace', async () => {
    f.s3.lifecycleAbortMs = 10 * HOUR;
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 12 * HOUR });
    await f.s3.putObject(LOCATION, Buffer.from('an older version'), {});
    const { id, content } = await halfDone(engine);
    const result = await engine.run(id);
    expect(result.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPartCopy')).toEqual([]);
    expect(f.store.listEvents(id).find((event) => event.kind === 'rollover-skipped')?.message).toMatch(
      /cannot be renewed: the key already holds an object, which the interim object would replace; finish it before then/,
    );
    f.expectObjectEquals(content);
  });

  it('a rollover that stopped after making its interim object goes on copying from it', async () => {
    f.s3.lifecycleAbortMs = 30 * HOUR;
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 12 * HOUR });
    const { id, content, oldUploadId } = await halfDone(engine);
    // What rollOver does before the crash: the done parts completed into the interim object.
    const done = f.store.listParts(id).filter((part) => part.state === 'done');
    await f.s3.completeMultipartUpload(LOCATION, oldUploadId, done.map((part) => completedPart(part, null)));
    const sentBefore = f.s3.callsOf('uploadPart').length;

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPartCopy').map((call) => call.partNumber)).toEqual([1, 2]);
    expect(f.s3.callsOf('uploadPart').slice(sentBefore).map((call) => call.partNumber)).toEqual([3, 4, 5]);
    expect(result.restarted).toBe(false);
    f.expectObjectEquals(content);
  });

  it('where the server cannot copy parts, the rest is sent again and the object is still right', async () => {
    f.s3.lifecycleAbortMs = 10 * HOUR;
    const engine = f.newEngine({ concurrency: 1, rolloverWindowMs: 12 * HOUR });
    const { id, content } = await halfDone(engine);
    f.s3.failNext('uploadPartCopy', Object.assign(new (await import('./errors.ts')).S3Failure('fatal', 'not implemented', 'NotImplemented', 501)));
    const result = await engine.run(id);
    expect(result.outcome).toBe('completed');
    f.expectObjectEquals(content);
    expect(f.s3.uploads.size).toBe(0);
    expect(f.store.listEvents(id).some((event) => event.kind === 'rollover-skipped' && /cannot copy parts/.test(event.message))).toBe(true);
  });
});
