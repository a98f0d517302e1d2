import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { abortUploads, listOrphans, olderThan } from './server/orphans.ts';
import { FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';
import { retryableFailure } from './testing/memory-object-store.ts';

// Lost state: the server holds an unfinished multipart upload of the file that
// the state database does not know (a new machine, a deleted database).

const fixture = useEngineFixture();
const { newEngine, writeSource, expectObjectEquals } = fixture;
const PART = 5 * MiB;

/** Starts a multipart upload on the fake server and sends the given parts of `content` (or other bytes) as 5 MiB parts. */
async function serverUpload(content: Buffer, parts: number[], options: { damaged?: number[]; key?: string } = {}): Promise<string> {
  const location = { ...LOCATION, ...(options.key ? { key: options.key } : {}) };
  const { uploadId } = await fixture.s3.createMultipartUpload(location);
  for (const partNumber of parts) {
    const offset = (partNumber - 1) * PART;
    const bytes = options.damaged?.includes(partNumber) ? randomBytes(Math.min(PART, content.length - offset)) : content.subarray(offset, offset + PART);
    await fixture.s3.uploadPart(location, uploadId, partNumber, bytes, { md5Base64: createHash('md5').update(bytes).digest('base64') });
  }
  return uploadId;
}

const request = (path: string) => ({ path, location: LOCATION, target: TARGET });

describe('adopting an unfinished upload the state database lost', () => {
  it('continues the server upload with its verified parts done and sends only the rest', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const uploadId = await serverUpload(content, [1, 2]);

    const added = await engine.addUpload(request(path));
    expect(added).toMatchObject({ continued: true, adopted: { uploadId, partsVerified: 2 } });
    expect(added.record.uploadId).toBe(uploadId);
    expect(fixture.store.listParts(added.record.id).map((part) => part.state)).toEqual(['done', 'done', 'pending']);
    expect(fixture.store.listEvents(added.record.id)).toContainEqual(
      expect.objectContaining({ kind: 'adopted', message: `continued unfinished upload ${uploadId} found on the server: 2 parts verified, not sent again` }),
    );

    const result = await engine.run(added.record.id);
    expect(result).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: FILE_SIZE - 2 * PART });
    expectObjectEquals(content);
  });

  it('re-sends a server part whose ETag is not the MD5 of the local bytes, overwriting it', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    await serverUpload(content, [1, 2], { damaged: [2] });
    const added = await engine.addUpload(request(path));
    expect(added.adopted?.partsVerified).toBe(1);
    const result = await engine.run(added.record.id);
    expect(result).toMatchObject({ outcome: 'completed', bytesSent: FILE_SIZE - PART });
    expectObjectEquals(content);
  });

  it('picks the upload with the most verified parts and leaves the others alone', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const fewer = await serverUpload(content, [1]);
    const more = await serverUpload(content, [1, 2]);
    const otherKey = await serverUpload(content, [1, 2, 3], { key: 'backups/other.bin' });
    const added = await engine.addUpload(request(path));
    expect(added.adopted).toEqual({ uploadId: more, partsVerified: 2, record: added.record });
    await engine.run(added.record.id);
    expect([...fixture.s3.uploads.keys()].sort()).toEqual([fewer, otherKey].sort());
  });

  it('starts fresh when nothing on the server verifies, or the server cannot be asked', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const stranger = await serverUpload(content, [1, 2], { damaged: [1, 2] });
    const added = await engine.addUpload(request(path));
    expect(added).toMatchObject({ continued: false });
    expect(added.adopted).toBeUndefined();
    engine.forget(added.record.id);

    fixture.s3.failNext('listMultipartUploads', retryableFailure());
    const again = await engine.addUpload(request(path));
    expect(again.continued).toBe(false);
    expect(fixture.s3.uploads.has(stranger)).toBe(true);
  });

  it('adopts one named upload on request, and says why not when it cannot', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const uploadId = await serverUpload(content, [2]);
    const damaged = await serverUpload(content, [1], { damaged: [1] });
    const odd = await fixture.s3.createMultipartUpload(LOCATION);
    await fixture.s3.uploadPart(LOCATION, odd.uploadId, 1, Buffer.alloc(MiB), { md5Base64: createHash('md5').update(Buffer.alloc(MiB)).digest('base64') });

    expect(await engine.adoptFromServer(request(path), 'nope')).toEqual({ reason: expect.stringContaining('has no unfinished upload nope') });
    expect(await engine.adoptFromServer(request(path), damaged)).toEqual({ reason: `${damaged}: none of its 1 parts matches the file`, found: true });
    expect(await engine.adoptFromServer(request(path), odd.uploadId)).toEqual({ reason: expect.stringContaining('under the 5 MiB minimum'), found: true });
    const outcome = await engine.adoptFromServer(request(path), uploadId);
    expect(outcome).toMatchObject({ uploadId, partsVerified: 1 });
    expect(await engine.adoptFromServer(request(path), uploadId)).toEqual({ reason: expect.stringContaining('already in the state database') });
    const result = await engine.resumeAll({ includePaused: true });
    expect(result).toMatchObject([{ outcome: 'completed', partsSkipped: 1, bytesSent: FILE_SIZE - PART }]);
    expectObjectEquals(content);
  });
});

describe('orphans', () => {
  it('lists uploads under a prefix with their parts and bytes, filters by age and aborts', async () => {
    const { content } = writeSource();
    const a = await serverUpload(content, [1, 3]);
    const b = await serverUpload(content, [], { key: 'backups/b.bin' });
    await serverUpload(content, [1], { key: 'elsewhere/c.bin' });
    (fixture.s3.uploads.get(b) as { initiated: number }).initiated = Date.now() - 3_600_000;

    const orphans = await listOrphans(fixture.s3, LOCATION.bucket, 'backups/');
    expect(orphans.map(({ uploadId, parts, bytes }) => ({ uploadId, parts, bytes }))).toEqual([
      { uploadId: b, parts: 0, bytes: 0 },
      { uploadId: a, parts: 2, bytes: PART + (FILE_SIZE - 2 * PART) },
    ]);
    const old = olderThan(orphans, 60_000, Date.now());
    expect(old.map((upload) => upload.uploadId)).toEqual([b]);
    expect(olderThan([{ key: 'k', uploadId: 'x', initiated: null }], 0, Date.now())).toEqual([]);
    expect(await abortUploads(fixture.s3, LOCATION.bucket, old)).toBe(1);
    expect(fixture.s3.uploads.has(b)).toBe(false);
    expect(fixture.s3.uploads.has(a)).toBe(true);
  });
});
