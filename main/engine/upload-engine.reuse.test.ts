import { randomBytes } from 'node:crypto';
import { appendFileSync, closeSync, openSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { reusedMessage } from './changes/conflict-reuse.ts';
import { FILE_SIZE, LOCATION, MiB, useEngineFixture } from './testing/engine-fixture.ts';
import { fatalFailure } from './testing/memory-object-store.ts';
import type { UploadEngine } from './upload-engine.ts';

// 'reuse': a changed source keeps the parts whose bytes the new version still
// has at the same place, and sends only the rest, on the same multipart upload.

const f = useEngineFixture();
const PART = 5 * MiB;

/** Every part (5 + 5 + 3.x MiB) on the server, Complete refused: an open multipart upload with all parts done. */
async function allPartsSent(engine: UploadEngine) {
  const { path, content } = f.writeSource();
  // An old mtime, so any rewrite below is seen as a change even within the clock's granularity.
  utimesSync(path, 1_700_000_000, 1_700_000_000);
  const id = await f.addUpload(engine, path);
  f.s3.failNext('completeMultipartUpload', fatalFailure());
  expect((await engine.run(id)).outcome).toBe('failed');
  return { id, path, content, uploadId: f.store.getUpload(id)?.uploadId as string };
}

/** Makes the run notice the change, so the upload is in conflict. */
async function toConflict(engine: UploadEngine, id: string): Promise<void> {
  expect((await engine.run(id)).outcome).toBe('conflict');
}

function partStates(id: string): Array<[number, number, string]> {
  return f.store.listParts(id).map((part) => [part.partNumber, part.size, part.state]);
}

function sentParts(uploadId: string): number[] {
  return f.s3
    .callsOf('uploadPart')
    .filter((call) => call.uploadId === uploadId)
    .map((call) => call.partNumber as number);
}

describe('UploadEngine.resolveConflict, reuse', () => {
  it('a file that grew keeps its full parts and sends the old partial last part again plus the new ones', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const grown = randomBytes(4 * MiB);
    appendFileSync(upload.path, grown);
    const newContent = Buffer.concat([upload.content, grown]);
    await toConflict(engine, upload.id);
    const oldParts = f.store.listParts(upload.id);
    const sentBefore = sentParts(upload.uploadId).length;

    const record = await engine.resolveConflict(upload.id, 'reuse');

    expect(record).toMatchObject({ state: 'queued', conflict: null, lastError: null, uploadId: upload.uploadId, size: newContent.length, partSize: PART });
    expect(f.s3.callsOf('abortMultipartUpload')).toEqual([]);
    expect(partStates(upload.id)).toEqual([
      [1, PART, 'done'],
      [2, PART, 'done'],
      [3, PART, 'pending'],
      [4, newContent.length - 3 * PART, 'pending'],
    ]);
    // Kept parts keep what the server acknowledged and what was sent.
    const kept = f.store.listParts(upload.id).slice(0, 2);
    expect(kept.map((part) => [part.etag, part.md5])).toEqual(oldParts.slice(0, 2).map((part) => [part.etag, part.md5]));
    expect(f.store.listEvents(upload.id).at(-1)).toMatchObject({ kind: 'restarted', message: reusedMessage(2) });
    expect(reusedMessage(2)).toBe('the source changed; kept 2 parts that still match, re-sending the rest');

    const result = await engine.run(upload.id);

    expect(result).toMatchObject({ outcome: 'completed', bytesSent: newContent.length - 2 * PART, partsSkipped: 2 });
    expect(sentParts(upload.uploadId).slice(sentBefore).sort()).toEqual([3, 4]);
    f.expectObjectEquals(newContent);
    expect(f.s3.uploads.size).toBe(0);
  });

  it('bytes changed inside a part: only that part is sent again', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const fd = openSync(upload.path, 'r+');
    writeSync(fd, Buffer.from('edited in the middle'), 0, 20, PART + 2 * MiB);
    closeSync(fd);
    const newContent = Buffer.from(upload.content);
    Buffer.from('edited in the middle').copy(newContent, PART + 2 * MiB);
    await toConflict(engine, upload.id);
    const sentBefore = sentParts(upload.uploadId).length;

    await engine.resolveConflict(upload.id, 'reuse');

    expect(partStates(upload.id).map(([, , state]) => state)).toEqual(['done', 'pending', 'done']);
    expect(f.store.listEvents(upload.id).at(-1)?.message).toBe(reusedMessage(2));
    const result = await engine.run(upload.id);
    expect(result).toMatchObject({ outcome: 'completed', bytesSent: PART });
    expect(sentParts(upload.uploadId).slice(sentBefore)).toEqual([2]);
    f.expectObjectEquals(newContent);
  });

  it.each([
    ['drop', 'AWS drops the old later part at Complete: only the changed part is sent', 2 * MiB],
    // The changed part (2 MiB) goes first; the Complete is refused, and the whole file (7 MiB) goes again into a new upload.
    ['refuse', 'Ceph RGW refuses a Complete without the old later part: the upload starts again and finishes', 9 * MiB],
  ] as const)('a file that shrank keeps what still matches and drops the parts beyond its end (%s: %s)', async (unlisted, _how, bytesSent) => {
    f.s3.unlistedParts = unlisted;
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const newContent = upload.content.subarray(0, 7 * MiB);
    writeFileSync(upload.path, newContent);
    await toConflict(engine, upload.id);

    await engine.resolveConflict(upload.id, 'reuse');

    expect(partStates(upload.id)).toEqual([
      [1, PART, 'done'],
      [2, 2 * MiB, 'pending'],
    ]);
    const result = await engine.run(upload.id);
    expect(result).toMatchObject({ outcome: 'completed', bytesSent });
    f.expectObjectEquals(Buffer.from(newContent));
    expect(f.s3.uploads.size).toBe(0);
    const restarted = f.store.listEvents(upload.id).filter((event) => event.kind === 'restarted' && event.message !== reusedMessage(1));
    if (unlisted === 'drop') expect(restarted).toEqual([]);
    else expect(restarted).toEqual([expect.objectContaining({ message: expect.stringContaining(`holds part 3 outside this upload's plan of 2 parts`) })]);
  });

  it('an entirely new file keeps nothing and sends everything on the same multipart upload', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const newContent = randomBytes(FILE_SIZE + 10);
    writeFileSync(upload.path, newContent);
    await toConflict(engine, upload.id);

    const record = await engine.resolveConflict(upload.id, 'reuse');

    expect(record?.uploadId).toBe(upload.uploadId);
    expect(partStates(upload.id).every(([, , state]) => state === 'pending')).toBe(true);
    expect(f.store.listEvents(upload.id).at(-1)?.message).toBe(reusedMessage(0));
    expect(await engine.run(upload.id)).toMatchObject({ outcome: 'completed', bytesSent: newContent.length });
    f.expectObjectEquals(newContent);
  });

  it('a new version smaller than a part is a restart: the old upload is aborted and a single PutObject sent', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const newContent = randomBytes(100_000);
    writeFileSync(upload.path, newContent);
    await toConflict(engine, upload.id);

    const record = await engine.resolveConflict(upload.id, 'reuse');

    expect(record).toMatchObject({ singlePut: true, uploadId: null });
    expect(f.s3.callsOf('abortMultipartUpload')).toEqual([{ op: 'abortMultipartUpload', uploadId: upload.uploadId }]);
    expect((await engine.run(upload.id)).outcome).toBe('completed');
    f.expectObjectEquals(newContent);
  });

  it('a kept part the server no longer has is sent again (ListParts still decides)', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    const grown = randomBytes(MiB);
    appendFileSync(upload.path, grown);
    await toConflict(engine, upload.id);
    await engine.resolveConflict(upload.id, 'reuse');
    f.s3.uploads.get(upload.uploadId)?.parts.delete(1);

    const result = await engine.run(upload.id);

    expect(result).toMatchObject({ outcome: 'completed', bytesSent: PART + (FILE_SIZE + MiB - 2 * PART) });
    f.expectObjectEquals(Buffer.concat([upload.content, grown]));
  });

  it('refuses an upload without a conflict and leaves it as it was', async () => {
    const engine = f.newEngine();
    const upload = await allPartsSent(engine);
    await expect(engine.resolveConflict(upload.id, 'reuse')).rejects.toThrow(/no conflict/);
    expect(partStates(upload.id).every(([, , state]) => state === 'done')).toBe(true);
    expect(f.s3.getObject(LOCATION)).toBeUndefined();
  });
});
