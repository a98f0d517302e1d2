import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';
import { AWS_LIKE, fatalFailure, retryableFailure, RGW_LIKE } from './testing/memory-object-store.ts';

// What Hoist sends depends on what the target was found to do with integrity
// headers; whatever it sends, the object must equal the file.
const f = useEngineFixture();
const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

describe('capabilities probe', () => {
  it('probes a new target once, with throwaway uploads it aborts, and keeps the result', async () => {
    f.forgetCapabilities();
    const engine = f.newEngine();
    const first = f.writeSource(6 * MiB, 'a.bin');
    const second = f.writeSource(6 * MiB, 'b.bin');
    const ids = [await f.addUpload(engine, first.path, { key: 'a.bin' }), await f.addUpload(engine, second.path, { key: 'b.bin' })];
    const results = await Promise.all(ids.map((id) => engine.run(id)));
    expect(results.map((result) => result.outcome)).toEqual(['completed', 'completed']);

    expect(f.store.getCapabilities(TARGET.endpoint, LOCATION.bucket)).toMatchObject(RGW_LIKE);
    // Two probe uploads (one with the SHA-256 algorithm) and the two real ones: one probe for both files.
    expect(f.s3.callsOf('createMultipartUpload')).toHaveLength(4);
    expect(f.s3.uploads.size).toBe(0);
    const events = ids.flatMap((id) => f.store.listEvents(id)).filter((event) => event.kind === 'probed');
    expect(events.map((event) => event.message)).toEqual([expect.stringMatching(/Content-MD5 verified, SHA-256 checksum ignored$/)]);

    await f.addUpload(engine, f.writeSource(6 * MiB, 'c.bin').path, { key: 'c.bin' }).then((id) => engine.run(id));
    expect(f.s3.callsOf('createMultipartUpload')).toHaveLength(5);
  });

  it.each([
    ['AWS', AWS_LIKE],
    ['a gateway refusing both headers', { contentMd5: 'rejected', checksumSha256: 'rejected', returnsChecksums: false, etagIsMd5: true } as const],
    ['SSE-KMS (ETags are not MD5s)', { ...RGW_LIKE, etagIsMd5: false }],
  ])('finds what %s does', async (_name, behaviour) => {
    f.forgetCapabilities();
    f.s3.behaviour = { ...behaviour };
    const engine = f.newEngine();
    const { path, content } = f.writeSource();
    expect((await engine.run(await f.addUpload(engine, path))).outcome).toBe('completed');
    expect(f.store.getCapabilities(TARGET.endpoint, LOCATION.bucket)).toMatchObject(behaviour);
    f.expectObjectEquals(content);
    expect(f.s3.uploads.size).toBe(0);
  });

  it('a probe that cannot run leaves the target unprobed and the upload goes on with Content-MD5', async () => {
    f.forgetCapabilities();
    const engine = f.newEngine();
    const { path, content } = f.writeSource();
    const id = await f.addUpload(engine, path);
    // Refused once (a permission glitch): the probe says nothing about headers; the upload's own create then works.
    f.s3.failNext('createMultipartUpload', fatalFailure());
    expect((await engine.run(id)).outcome).toBe('completed');
    f.expectObjectEquals(content);
    expect(f.store.getCapabilities(TARGET.endpoint, LOCATION.bucket)).toBeUndefined();
    expect(f.store.listEvents(id).find((event) => event.kind === 'probed')?.message).toMatch(/could not check .* sending Content-MD5 only/);
  });

  it('a passing failure during the probe is retried, within the upload’s retry budget', async () => {
    f.forgetCapabilities();
    const engine = f.newEngine();
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path);
    f.s3.failNext('uploadPart', retryableFailure('SlowDown', 503), { partNumber: 2 });
    expect((await engine.run(id)).outcome).toBe('completed');
    expect(f.store.getCapabilities(TARGET.endpoint, LOCATION.bucket)).toMatchObject(RGW_LIKE);
  });
});

describe('per-part checksums', () => {
  it('records every part’s SHA-256 with its MD5, from the same read', async () => {
    const engine = f.newEngine();
    const { path, content } = f.writeSource();
    const id = await f.addUpload(engine, path);
    expect((await engine.run(id)).outcome).toBe('completed');
    const parts = f.store.listParts(id);
    expect(parts.map((part) => part.checksum)).toEqual(parts.map((part) => `sha256:${sha256Hex(content.subarray(part.offset, part.offset + part.size))}`));
    expect(f.store.getUpload(id)?.checksumAlgorithm).toBeNull();
  });

  it('where the target verifies SHA-256, the upload is created with it and every part and the Complete carry it', async () => {
    f.s3.behaviour = { ...AWS_LIKE };
    f.store.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...AWS_LIKE, probedAt: 1 });
    const engine = f.newEngine();
    const { path, content } = f.writeSource();
    const id = await f.addUpload(engine, path);
    // The server refuses a part without the checksum and a Complete without the right ones (see memory-server-behaviour.ts).
    expect((await engine.run(id)).outcome).toBe('completed');
    f.expectObjectEquals(content);
    expect(f.store.getUpload(id)?.checksumAlgorithm).toBe('sha256');
  });

  it('a server part whose ETag matches but whose listed SHA-256 does not is sent again', async () => {
    f.s3.behaviour = { ...AWS_LIKE };
    f.store.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...AWS_LIKE, probedAt: 1 });
    const engine = f.newEngine({ concurrency: 1 });
    const { path, content } = f.writeSource();
    const id = await f.addUpload(engine, path);
    await f.pauseAtPart(engine, id, 3);
    // The server's copy of part 2 changes under the same ETag (what an MD5 collision would look like).
    const upload = f.s3.uploads.get(f.store.getUpload(id)?.uploadId as string);
    const stored = upload?.parts.get(2);
    if (!stored) throw new Error('part 2 not on the server');
    stored.body = Buffer.from(stored.body).fill(7, 0, 16);
    const before = f.s3.callsOf('uploadPart').length;
    expect((await engine.run(id)).outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPart').slice(before).map((call) => call.partNumber).sort()).toEqual([2, 3]);
    f.expectObjectEquals(content);
  });

  it('where Content-MD5 is ignored, a part damaged on the way is caught by its ETag and sent again', async () => {
    f.s3.behaviour = { ...RGW_LIKE, contentMd5: 'ignored' };
    f.store.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...f.s3.behaviour, probedAt: 1 });
    const engine = f.newEngine();
    const { path, content } = f.writeSource();
    const id = await f.addUpload(engine, path);
    f.s3.corruptNextUploadPart(2);
    expect((await engine.run(id)).outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPart').filter((call) => call.partNumber === 2)).toHaveLength(2);
    f.expectObjectEquals(content);
  });
});
