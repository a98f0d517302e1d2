import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { describeParts } from './job/stray-parts.ts';
import { FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';

// A server holding parts outside an upload's plan (issue 14, point 1): Ceph RGW
// refuses a Complete that leaves any out (InvalidPart), AWS drops them. Either
// way the upload must finish with the file's bytes, and say what it found.

const fixture = useEngineFixture();
const { newEngine, writeSource, expectObjectEquals } = fixture;
const PART = 5 * MiB;
const md5Base64 = (bytes: Buffer) => createHash('md5').update(bytes).digest('base64');

async function strayPart(uploadId: string, partNumber: number): Promise<void> {
  const bytes = randomBytes(1000);
  await fixture.s3.uploadPart(LOCATION, uploadId, partNumber, bytes, { md5Base64: md5Base64(bytes) });
}

describe('parts on the server outside the plan', () => {
  it('a part another tool put into the upload past its plan: RGW refuses the Complete, so the upload starts again and finishes', async () => {
    const engine = newEngine({ concurrency: 1 });
    const { path, content } = writeSource();
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 3);
    const oldUploadId = fixture.store.getUpload(id)?.uploadId as string;
    await strayPart(oldUploadId, 4);

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expectObjectEquals(content);
    expect(fixture.s3.uploads.size).toBe(0);
    expect(fixture.store.getUpload(id)?.uploadId).not.toBe(oldUploadId);
    expect(fixture.store.listEvents(id)).toContainEqual(
      expect.objectContaining({
        kind: 'restarted',
        message: expect.stringContaining(`the server's multipart upload ${oldUploadId} holds part 4 outside this upload's plan of 3 parts`),
      }),
    );
    // Once refused, every part went again into the new upload.
    expect(result.bytesSent).toBeGreaterThanOrEqual(FILE_SIZE);
  });

  it('where the server drops unlisted parts (AWS), the upload completes as planned and nothing is sent again', async () => {
    fixture.s3.unlistedParts = 'drop';
    const engine = newEngine({ concurrency: 1 });
    const { path, content } = writeSource();
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 3);
    await strayPart(fixture.store.getUpload(id)?.uploadId as string, 9);

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expectObjectEquals(content);
    expect(fixture.store.listEvents(id).map((event) => event.kind)).not.toContain('restarted');
    expect(result.bytesSent).toBeLessThan(FILE_SIZE);
  });

  it('another tool’s unfinished upload of a longer file is not adopted, and the new upload says what was found', async () => {
    const engine = newEngine();
    const { path, content } = writeSource();
    const longer = Buffer.concat([content, randomBytes(2 * PART)]);
    const { uploadId } = await fixture.s3.createMultipartUpload(LOCATION);
    for (let partNumber = 1; partNumber <= 5; partNumber += 1) {
      const bytes = longer.subarray((partNumber - 1) * PART, partNumber * PART);
      await fixture.s3.uploadPart(LOCATION, uploadId, partNumber, bytes, { md5Base64: md5Base64(bytes) });
    }

    const added = await engine.addUpload({ path, location: LOCATION, target: TARGET });

    expect(added).toMatchObject({ continued: false });
    expect(fixture.store.listEvents(added.record.id)).toContainEqual(
      expect.objectContaining({
        kind: 'not-adopted',
        message: `not continued from the server: ${uploadId}: it holds 5 parts, parts 4-5 beyond the 3 this file of ${FILE_SIZE} bytes has (an upload of a longer file?), so it could not be completed with this file's parts; left as it is`,
      }),
    );
    expect((await engine.run(added.record.id)).outcome).toBe('completed');
    expectObjectEquals(content);
    expect([...fixture.s3.uploads.keys()]).toEqual([uploadId]);
    // `orphans --adopt` of that upload says the same and adopts nothing.
    expect(await engine.adoptFromServer({ path, location: LOCATION, target: TARGET }, uploadId)).toEqual({
      reason: expect.stringContaining('parts 4-5 beyond the 3 this file'),
      found: true,
    });
  });

  it('names the parts found in runs', () => {
    expect(describeParts([26])).toBe('part 26');
    expect(describeParts([10, 6, 7, 8, 9])).toBe('parts 6-10');
    expect(describeParts([3, 7, 12, 13, 14])).toBe('parts 3, 7 and 12-14');
  });
});
