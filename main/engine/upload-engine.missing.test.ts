import { renameSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { useEngineFixture } from './testing/engine-fixture.ts';

// A source that disappears between sessions (an unmounted drive, a file moved
// away) is not a failure to forget: the upload and its parts on the server wait
// until it is back or the user cancels.
const f = useEngineFixture();

async function halfDone(engine: ReturnType<typeof f.newEngine>) {
  const { path, content } = f.writeSource();
  const id = await f.addUpload(engine, path);
  await f.pauseAtPart(engine, id, 3);
  return { id, path, content };
}

describe('a missing source', () => {
  it('shows as missing, keeps the record and the server upload, and makes no request', async () => {
    const engine = f.newEngine({ concurrency: 1 });
    const { id, path } = await halfDone(engine);
    const uploadId = f.store.getUpload(id)?.uploadId;
    renameSync(path, `${path}.away`);
    const callsBefore = f.s3.calls.length;

    const result = await engine.run(id);

    expect(result.outcome).toBe('failed');
    expect(result.error).toMatch(/^source missing: file not found: .*; the upload is kept until the file is back/);
    expect(f.store.getUpload(id)).toMatchObject({ sourceMissing: true, uploadId, state: 'failed' });
    expect(engine.snapshot([id])[0]).toMatchObject({ state: 'missing', partsDone: 2, lastError: result.error });
    expect(f.s3.calls.length).toBe(callsBefore);
    expect(f.s3.uploads.has(uploadId as string)).toBe(true);
  });

  it('resume-all checks it again; once the file is back it continues where it was and completes', async () => {
    const engine = f.newEngine({ concurrency: 1 });
    const { id, path, content } = await halfDone(engine);
    renameSync(path, `${path}.away`);
    await engine.resumeAll({ includePaused: true });
    expect(engine.snapshot([id])[0]?.state).toBe('missing');
    await engine.resumeAll({ includePaused: false });
    expect(engine.snapshot([id])[0]?.state).toBe('missing');

    renameSync(`${path}.away`, path);
    const uploadsBefore = f.s3.callsOf('uploadPart').length;
    const [result] = await engine.resumeAll({ includePaused: false });
    expect(result?.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPart').slice(uploadsBefore).map((call) => call.partNumber)).toEqual([3]);
    f.expectObjectEquals(content);
    expect(f.store.getUpload(id)?.sourceMissing).toBe(false);
    expect(engine.snapshot([id])[0]?.state).toBe('completed');
  });

  it('cancelling it aborts the server upload', async () => {
    const engine = f.newEngine({ concurrency: 1 });
    const { id, path } = await halfDone(engine);
    const uploadId = f.store.getUpload(id)?.uploadId as string;
    renameSync(path, `${path}.away`);
    await engine.run(id);
    await engine.cancel(id);
    expect(f.store.getUpload(id)).toBeUndefined();
    expect(f.s3.uploads.has(uploadId)).toBe(false);
  });
});

describe('sources and keys S3 cannot take', () => {
  it('refuses a source larger than the largest object, and a key over 1,024 bytes, before any request', async () => {
    const engine = f.newEngine({ maxObjectSize: 10 * 1024 * 1024 });
    const { path } = f.writeSource(10 * 1024 * 1024 + 1, 'too-big.bin');
    await expect(engine.addUpload({ path, location: { bucket: 'bucket', key: 'k' }, target: { endpoint: undefined, region: 'us-east-1', pathStyle: false } })).rejects.toThrow(
      /has 10485761 bytes: larger than the 10\.0 MiB an S3 object can hold/,
    );
    const small = f.writeSource(10, 'small.bin');
    await expect(engine.addUpload({ path: small.path, location: { bucket: 'bucket', key: 'k'.repeat(1025) }, target: { endpoint: undefined, region: 'us-east-1', pathStyle: false } })).rejects.toThrow(
      /at most 1,024 bytes/,
    );
    expect(f.s3.calls).toEqual([]);
    expect(f.store.listUploads()).toEqual([]);
  });
});
