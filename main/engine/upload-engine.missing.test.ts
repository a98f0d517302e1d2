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
  const held = f.s3.holdUploadPart(3);
  const running = engine.run(id);
  await held.reached;
  await engine.pause(id);
  await running;
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
