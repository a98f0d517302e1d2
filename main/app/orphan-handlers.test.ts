import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { OrphanView, Target } from '../../shared/ipc-contract.ts';
import { MiB, useEngineFixture } from '../engine/testing/engine-fixture.ts';
import type { TargetConfig } from '../engine/ports/records.ts';
import type { UploadEngine } from '../engine/upload-engine.ts';
import type { HoistApp } from './hoist-app.ts';
import { newTestApp } from './testing/test-app.ts';

// The app's orphans.* requests over a real engine and state store, with the
// in-memory S3: what the Targets panel's "unfinished uploads" list does.
const fixture = useEngineFixture();
const PART = 5 * MiB;
const target = { id: 't1', name: 'Backups', endpoint: 'http://s3.example.test', bucket: 'bucket', keyPrefix: 'pc', pathStyle: true, allowInsecureHttp: true };

async function newApp() {
  const asked: Array<TargetConfig & { targetId: string | null }> = [];
  const engine = fixture.newEngine(
    { defaultPartSize: PART },
    {
      objectStoreFor: (config) => {
        asked.push(config);
        return fixture.s3;
      },
    },
  );
  const { app, events } = newTestApp(engine, fixture.store);
  expect((await app.dispatch('targets.save', { target })).ok).toBe(true);
  return { app, engine, asked, events };
}

/** An unfinished multipart upload on the fake server holding the given 5 MiB parts of `content`. */
async function serverUpload(key: string, content: Buffer, parts: number[] = []): Promise<string> {
  const location = { bucket: 'bucket', key };
  const { uploadId } = await fixture.s3.createMultipartUpload(location);
  for (const partNumber of parts) {
    const bytes = content.subarray((partNumber - 1) * PART, partNumber * PART);
    await fixture.s3.uploadPart(location, uploadId, partNumber, bytes, { md5Base64: createHash('md5').update(bytes).digest('base64') });
  }
  return uploadId;
}

/** A local upload of `key` that the state database says is continuing the server's upload (recorded, not running). */
async function continueLocally(app: HoistApp, engine: UploadEngine, key: string, uploadId: string, path: string): Promise<string> {
  const config = app.targetConfig(app.target('t1') as Target);
  const { record } = await engine.addUpload({ path, location: { bucket: 'bucket', key }, target: config, targetId: 't1' });
  fixture.store.setUploadId(record.id, uploadId);
  return record.id;
}

async function list(app: HoistApp): Promise<OrphanView[]> {
  const answer = await app.dispatch('orphans.list', { targetId: 't1' });
  if (!answer.ok) throw new Error(answer.error.message);
  return answer.value as OrphanView[];
}

describe('orphans requests', () => {
  it("lists only the target's prefix through the target's own object store, marking what Hoist continues", async () => {
    const { app, engine, asked } = await newApp();
    const { path, content } = fixture.writeSource(2 * PART + 100);
    const lost = await serverUpload('pc/lost.bin', content, [1, 2]);
    const empty = await serverUpload('pc/empty.bin', content);
    const continued = await serverUpload('pc/continued.bin', content);
    await serverUpload('pcx/sibling.bin', content, [1]);
    await serverUpload('other/elsewhere.bin', content);
    const hoistId = await continueLocally(app, engine, 'pc/continued.bin', continued, path);

    const orphans = await list(app);
    expect(orphans.map((orphan) => orphan.key)).toEqual(['pc/continued.bin', 'pc/empty.bin', 'pc/lost.bin']);
    expect(orphans.find((orphan) => orphan.uploadId === lost)).toEqual({
      key: 'pc/lost.bin',
      uploadId: lost,
      startedAt: new Date(fixture.s3.uploads.get(lost)?.initiated ?? 0).toISOString(),
      parts: 2,
      bytes: 2 * PART,
      hoistId: null,
    });
    expect(orphans.find((orphan) => orphan.uploadId === empty)).toMatchObject({ parts: 0, bytes: 0, hoistId: null });
    expect(orphans.find((orphan) => orphan.uploadId === continued)?.hoistId).toBe(hoistId);
    expect(asked).toContainEqual({ endpoint: 'http://s3.example.test', region: 'us-east-1', pathStyle: true, targetId: 't1' });

    expect(await app.dispatch('orphans.list', { targetId: 'nope' })).toEqual({ ok: false, error: { code: 'not-found', message: 'no target with id nope' } });
  });

  it('aborts an orphan, refuses to abort or adopt one Hoist is continuing, and names an upload the server does not have', async () => {
    const { app, engine } = await newApp();
    const { path, content } = fixture.writeSource(PART + 10);
    const lost = await serverUpload('pc/lost.bin', content, [1]);
    const continued = await serverUpload('pc/continued.bin', content);
    const hoistId = await continueLocally(app, engine, 'pc/continued.bin', continued, path);

    expect(await app.dispatch('orphans.abort', { targetId: 't1', uploadId: lost })).toEqual({ ok: true, value: { ok: true } });
    expect(fixture.s3.uploads.has(lost)).toBe(false);

    const refused = await app.dispatch('orphans.abort', { targetId: 't1', uploadId: continued });
    expect(refused).toEqual({
      ok: false,
      error: { code: 'failed', message: `Hoist is continuing this upload of pc/continued.bin (upload ${hoistId}): cancel that upload in the queue instead of aborting it here` },
    });
    expect(fixture.s3.uploads.has(continued)).toBe(true);
    const adoptedTwice = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId: continued, path });
    expect(!adoptedTwice.ok && adoptedTwice.error.message).toBe(`Hoist is continuing this upload of pc/continued.bin (upload ${hoistId}): there is nothing to adopt`);

    const unknown = await app.dispatch('orphans.abort', { targetId: 't1', uploadId: lost });
    expect(unknown).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringContaining(`no unfinished upload ${lost} under s3://bucket/pc/`) } });
    expect((await app.dispatch('orphans.abort', { targetId: 't1', uploadId: 'x'.repeat(1025) })).ok).toBe(false);
  });

  it('adopts with the right file only, then uploads the rest and completes', async () => {
    const { app, events } = await newApp();
    const { path, content } = fixture.writeSource(2 * PART + 12_345);
    const uploadId = await serverUpload('pc/file.bin', content, [1, 2]);
    const wrong = join(fixture.dir, 'wrong.bin');
    fixture.writeSource(content.length, 'wrong.bin');

    const refused = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId, path: wrong });
    expect(refused).toEqual({ ok: false, error: { code: 'failed', message: `${wrong} does not continue pc/file.bin: none of its 2 parts matches the file` } });
    const missing = join(fixture.dir, 'missing.bin');
    const gone = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId, path: missing });
    expect(gone).toMatchObject({ ok: false, error: { code: 'failed', message: expect.stringContaining(`cannot adopt with ${missing}: file not found`) } });
    expect(fixture.store.listUploads()).toEqual([]);

    const adopted = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId, path });
    expect(adopted).toEqual({ ok: true, value: { id: expect.any(String), partsVerified: 2 } });
    const id = adopted.ok ? (adopted.value as { id: string }).id : '';
    expect(fixture.store.getUpload(id)).toMatchObject({ uploadId, targetId: 't1', key: 'pc/file.bin', path });
    expect(events).toContainEqual(['uploads.changed', { uploads: [expect.objectContaining({ id })] }]);
    // Started without anyone asking.
    await vi.waitFor(() => expect(app.views().find((view) => view.id === id)?.state).toBe('completed'), { timeout: 10_000 });
    fixture.expectObjectEquals(content, 'pc/file.bin');
    // Only the part the server did not have was sent (the first two calls are serverUpload's own).
    const sent = fixture.s3.callsOf('uploadPart').filter((call) => call.uploadId === uploadId);
    expect(sent.map((call) => call.partNumber)).toEqual([1, 2, 3]);
    expect(await list(app)).toEqual([]);
  });
});
