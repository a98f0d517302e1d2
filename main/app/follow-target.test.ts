import { beforeEach, describe, expect, it, vi } from 'vitest';
import { S3Failure } from '../engine/errors.ts';
import { TARGET, useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { retryableFailure } from '../engine/testing/memory-object-store.ts';
import { newTestApp } from './testing/test-app.ts';

// Fixing a target rescues its uploads that sent nothing (they follow it on
// Retry); one with something on the old server says why it stays. A permanent
// failure waits for the user's Retry instead of failing again at every start.

const fixture = useEngineFixture();
const target = { id: 't1', name: 'Backups', bucket: 'bucket', keyPrefix: 'pc' };
const noSuchBucket = () => new S3Failure('fatal', 'bucket "wrong-bucket" not found at AWS S3 (CreateMultipartUpload: NoSuchBucket 404)', 'NoSuchBucket', 404);

async function addOne(app: ReturnType<typeof newTestApp>['app'], path: string): Promise<string> {
  // 5 MiB parts: the 13 MiB file is a multipart upload (under twice the part size it would be one PutObject).
  await app.dispatch('settings.set', { partSizeMiB: 5 });
  const added = await app.dispatch('uploads.add', { paths: [path], targetId: 't1' });
  if (!added.ok) throw new Error(added.error.message);
  return (added.value as { added: Array<{ id: string }> }).added[0]?.id as string;
}

beforeEach(() => {
  // Every bucket of these tests counts as probed already: the probe's requests would take the injected failures.
  const probed = fixture.store.getCapabilities(TARGET.endpoint, 'bucket');
  if (!probed) throw new Error('the fixture probes its bucket');
  for (const bucket of ['bucket', 'wrong-bucket', 'other-bucket']) fixture.store.saveCapabilities(undefined, bucket, probed);
});

const stateOf = (app: ReturnType<typeof newTestApp>['app'], id: string) => app.views().find((view) => view.id === id)?.state;
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('uploads and a fixed target', () => {
  it('a permanent failure is not tried again at start; Retry after fixing the bucket sends it to the new bucket', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target: { ...target, bucket: 'wrong-bucket' } });
    const { path, content } = fixture.writeSource();
    fixture.s3.failNext('createMultipartUpload', noSuchBucket());
    const id = await addOne(app, path);
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('failed'), { timeout: 10_000 });

    // The next start (or a network change) leaves it alone: it would fail the same way.
    const creates = fixture.s3.callsOf('createMultipartUpload').length;
    app.resumeUnfinished();
    await settle();
    expect(fixture.s3.callsOf('createMultipartUpload')).toHaveLength(creates);
    expect(stateOf(app, id)).toBe('failed');

    await app.dispatch('targets.save', { target });
    expect(await app.dispatch('uploads.retry', { id })).toEqual({ ok: true, value: { ok: true } });
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('completed'), { timeout: 10_000 });
    expect(app.views().find((view) => view.id === id)?.bucket).toBe('bucket');
    fixture.expectObjectEquals(content, 'pc/file.bin');
  });

  it('a failure that may pass (retries spent on a flaky server) is tried again at start', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    const { path } = fixture.writeSource();
    // The fixture's engine tries 1 + 3 times: all four fail, the run fails.
    fixture.s3.failNext('createMultipartUpload', retryableFailure('ServiceUnavailable', 503), { times: 4 });
    const id = await addOne(app, path);
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('failed'), { timeout: 10_000 });
    app.resumeUnfinished();
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('completed'), { timeout: 10_000 });
  });

  it('an upload with something on the old server stays there on Retry, and says why', async () => {
    const { app, events } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    const { path } = fixture.writeSource();
    // The multipart upload is made in "bucket", then a part is refused for good.
    fixture.s3.failNext('uploadPart', new S3Failure('fatal', 'access denied (injected)', 'AccessDenied', 403), { partNumber: 1 });
    const id = await addOne(app, path);
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('failed'), { timeout: 10_000 });

    await app.dispatch('targets.save', { target: { ...target, bucket: 'other-bucket' } });
    await app.dispatch('uploads.retry', { id });
    const notice = events.find(([name, payload]) => name === 'notice' && (payload as { uploadId?: string }).uploadId === id && String((payload as { message: string }).message).includes('stays'));
    expect((notice?.[1] as { message: string } | undefined)?.message).toMatch(/file\.bin stays with bucket "bucket" at AWS S3, not "Backups" as it is now \(bucket "other-bucket" at AWS S3\): .* there; to send it to the new place, cancel it and add the file again/);
    await vi.waitFor(() => expect(stateOf(app, id)).toBe('completed'), { timeout: 10_000 });
    expect(app.views().find((view) => view.id === id)?.bucket).toBe('bucket');
  });
});
