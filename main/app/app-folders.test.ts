import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { EventPayload, FolderView } from '../../shared/ipc-contract.ts';
import { MiB, TARGET, useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { retryableFailure } from '../engine/testing/memory-object-store.ts';
import type { HostCapabilities } from './host-capabilities.ts';
import { newTestApp } from './testing/test-app.ts';

// Folders sent as one object per file, as the app adds, runs and shows them:
// over a real engine, FolderUploads and state database, with the in-memory S3.
const fixture = useEngineFixture();
// The fixture's target, whose capabilities are known: no probe's parts get in the way of the parts held.
const target = { id: 't1', name: 'Backups', endpoint: TARGET.endpoint, pathStyle: true, bucket: 'bucket', keyPrefix: 'pc', allowInsecureHttp: true };

async function newApp(host: Partial<HostCapabilities> = {}) {
  const made = newTestApp(fixture.newEngine({ defaultPartSize: 5 * MiB }), fixture.store, host);
  expect((await made.app.dispatch('targets.save', { target })).ok).toBe(true);
  expect((await made.app.dispatch('settings.set', { partSizeMiB: 5 })).ok).toBe(true);
  return made;
}

/** A folder with `count` small files under `name/`, a nested one, and optionally a big file (two 5 MiB parts) and a link. */
function makeFolder(name: string, options: { count?: number; big?: boolean; link?: boolean } = {}): string {
  const root = join(fixture.dir, name);
  mkdirSync(join(root, 'sub'), { recursive: true });
  for (let index = 0; index < (options.count ?? 3); index += 1) writeFileSync(join(root, `f${String(index).padStart(3, '0')}.txt`), `file ${index}`);
  writeFileSync(join(root, 'sub', 'nested.txt'), 'nested');
  if (options.big) writeFileSync(join(root, 'big.bin'), Buffer.alloc(11 * MiB, 7));
  if (options.link) symlinkSync('/etc/hostname', join(root, 'link'));
  return root;
}

function folderEvents(events: Array<[string, unknown]>): FolderView[] {
  return events.filter(([name]) => name === 'folders.changed').flatMap(([, payload]) => (payload as EventPayload<'folders.changed'>).folders);
}

async function added(app: Awaited<ReturnType<typeof newApp>>['app'], path: string): Promise<string> {
  const result = await app.dispatch('uploads.add', { paths: [path], targetId: 't1', folderMode: 'files' });
  if (!result.ok) throw new Error(result.error.message);
  const value = result.value as EventPayload<'uploads.changed'> & { added: Array<{ id: string; kind?: string }> };
  expect(value.added).toHaveLength(1);
  return value.added[0]?.id ?? '';
}

async function untilState(app: Awaited<ReturnType<typeof newApp>>['app'], id: string, state: FolderView['state']): Promise<FolderView> {
  await vi.waitFor(() => expect(app.folders.view(id)).toMatchObject({ state, running: false }), { timeout: 15_000 });
  return app.folders.view(id) as FolderView;
}

describe('folders in the app', () => {
  it('shows a folder as one row whose progress events end completed, its big file not a row of its own', async () => {
    const notify = vi.fn();
    const { app, events } = await newApp({ notify });
    const root = makeFolder('photos', { count: 20, big: true });

    const id = await added(app, root);
    const done = await untilState(app, id, 'completed');

    expect(done).toMatchObject({ path: root, bucket: 'bucket', prefix: 'pc/photos/', walking: false, lastError: null, etaSeconds: 0 });
    // 'file 0'…'file 9', 'file 10'…'file 19', 'nested' and the big one.
    expect(done.totals.done).toEqual({ files: 22, bytes: 10 * 6 + 10 * 7 + 6 + 11 * MiB });
    // Every row sent was the folder's: the big file's own upload never reached the queue.
    const uploadRows = events.filter(([name]) => name === 'uploads.changed').flatMap(([, payload]) => (payload as EventPayload<'uploads.changed'>).uploads);
    expect(uploadRows).toEqual([]);
    expect(app.views()).toEqual([]);
    expect(await app.dispatch('uploads.list', {})).toEqual({ ok: true, value: [] });
    const rows = folderEvents(events);
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows[0]).toMatchObject({ id, running: true });
    expect(rows.at(-1)).toMatchObject({ id, state: 'completed', running: false });
    expect(notify).toHaveBeenCalledWith('Folder uploaded', 'photos: 22 file(s) sent, 0 already there, in s3://bucket/pc/photos/');
    expect(notify).not.toHaveBeenCalledWith('Upload complete', expect.anything());
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/photos/sub/nested.txt' })?.body.toString()).toBe('nested');
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/photos/big.bin' })?.body.length).toBe(11 * MiB);
    expect(await app.dispatch('folders.list', {})).toEqual({ ok: true, value: [expect.objectContaining({ id, state: 'completed' })] });
  });

  it('answers the add at once, before a big folder is walked', async () => {
    const { app } = await newApp();
    const root = makeFolder('many', { count: 3000 });
    const started = performance.now();
    const id = await added(app, root);
    expect(performance.now() - started).toBeLessThan(2000);
    const view = await untilState(app, id, 'completed');
    expect(view.totals.done.files).toBe(3001);
  }, 30_000);

  it('pages through a folder’s files, by state, with why each one was not sent', async () => {
    const { app, events } = await newApp();
    const root = makeFolder('docs', { count: 4, link: true });
    const id = await added(app, root);
    await untilState(app, id, 'completed');

    const first = await app.dispatch('folders.files', { folderId: id, after: null, limit: 3 });
    expect(first).toEqual({
      ok: true,
      value: [
        { relPath: 'f000.txt', size: 6, state: 'done', message: null },
        { relPath: 'f001.txt', size: 6, state: 'done', message: null },
        { relPath: 'f002.txt', size: 6, state: 'done', message: null },
      ],
    });
    const next = await app.dispatch('folders.files', { folderId: id, after: 'f002.txt', limit: 3 });
    expect(next.ok && (next.value as Array<{ relPath: string }>).map((file) => file.relPath)).toEqual(['f003.txt', 'link', 'sub/nested.txt']);
    const problems = await app.dispatch('folders.files', { folderId: id, states: ['problem'] });
    expect(problems).toEqual({ ok: true, value: [{ relPath: 'link', size: expect.any(Number), state: 'problem', message: expect.stringMatching(/link/) }] });
    // A completed folder with entries it could not send says so.
    expect(events.some(([name, payload]) => name === 'notice' && /docs: uploaded, but 1 entry was not sent/.test((payload as { message: string }).message))).toBe(true);

    expect(await app.dispatch('folders.files', { folderId: 'nope', after: null })).toMatchObject({ ok: false, error: { code: 'not-found' } });
    expect(await app.dispatch('folders.files', { folderId: id, states: ['lost'] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await app.dispatch('folders.files', { folderId: id, limit: 100_000 })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });

  it('pauses, resumes and cancels a folder; cancelling leaves no multipart upload on the server', async () => {
    const { app, events } = await newApp();
    const root = makeFolder('video', { count: 2, big: true });

    let held = fixture.s3.holdUploadPart(2);
    const id = await added(app, root);
    await held.reached;
    expect((await app.dispatch('folders.pause', { id })).ok).toBe(true);
    const paused = await untilState(app, id, 'paused');
    expect(paused.speed).toBe(0);
    expect(folderEvents(events).at(-1)).toMatchObject({ id, state: 'paused', running: false });

    // Paused folders stay paused at the next start.
    app.resumeUnfinished();
    expect(app.folders.view(id)).toMatchObject({ state: 'paused', running: false });

    expect((await app.dispatch('folders.resume', { id })).ok).toBe(true);
    await untilState(app, id, 'completed');
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/video/big.bin' })?.body.length).toBe(11 * MiB);
    expect(await app.dispatch('folders.resume', { id })).toMatchObject({ ok: false, error: { code: 'failed', message: 'this folder upload is complete' } });

    // Cancel, with the big file in flight again (another folder to the same place after clearing).
    expect(await app.dispatch('uploads.clearFinished', {})).toEqual({ ok: true, value: { removed: 1 } });
    expect(events.filter(([name]) => name === 'folders.removed').at(-1)?.[1]).toEqual({ ids: [id] });
    // A new big file: one whose key already held other bytes would wait for the user's choice instead of being sent.
    writeFileSync(join(root, 'big-2.bin'), Buffer.alloc(11 * MiB, 8));
    held = fixture.s3.holdUploadPart(2);
    const again = await added(app, root);
    await held.reached;
    expect(await fixture.s3.listMultipartUploads('bucket', 'pc/')).toHaveLength(1);
    expect(await app.dispatch('folders.cancel', { id: again })).toEqual({ ok: true, value: { ok: true } });
    expect(events.filter(([name]) => name === 'folders.removed').at(-1)?.[1]).toEqual({ ids: [again] });
    expect(app.folders.views()).toEqual([]);
    expect(await fixture.s3.listMultipartUploads('bucket', 'pc/')).toEqual([]);
    expect(await app.dispatch('folders.pause', { id: again })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('resumes unfinished folders at start, and keeps a target they use', async () => {
    const { app } = await newApp();
    const root = makeFolder('later', { count: 5 });
    // Recorded but never run, as a killed app leaves one.
    const { folder } = await app.folders.add({
      path: root,
      bucket: 'bucket',
      prefix: 'pc/later/',
      target: TARGET,
      targetId: 't1',
      ifExists: 'skip-identical',
    });
    expect(await app.dispatch('targets.remove', { id: 't1' })).toMatchObject({ ok: false, error: { message: '1 unfinished folder uploads use this target; finish or cancel them first' } });

    app.resumeUnfinished();
    await untilState(app, folder.id, 'completed');
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/later/f004.txt' })?.body.toString()).toBe('file 4');
    expect((await app.dispatch('targets.remove', { id: 't1' })).ok).toBe(true);
  });

  it('pause all and resume all take folders too', async () => {
    const { app } = await newApp();
    const held = fixture.s3.holdUploadPart(2);
    const id = await added(app, makeFolder('all', { count: 1, big: true }));
    await held.reached;
    expect((await app.dispatch('uploads.pauseAll', {})).ok).toBe(true);
    await untilState(app, id, 'paused');
    expect((await app.dispatch('uploads.resumeAll', {})).ok).toBe(true);
    await untilState(app, id, 'completed');
  });

  it('shows a folder waiting to try a failed request again as retrying, at once, and clears it when the next attempt is answered', async () => {
    const { app, events } = await newApp();
    const root = makeFolder('flaky');
    // The folder's own listing fails twice (the fixture's engine retries 3 times, 1-2 ms apart: far quicker than the half-second poll).
    fixture.s3.failNext('listMultipartUploads', retryableFailure('ServiceUnavailable', 503), { times: 2 });

    const id = await added(app, root);
    await untilState(app, id, 'completed');

    const waits = folderEvents(events)
      .filter((row) => row.id === id)
      .map((row) => row.retrying ?? null);
    const cause = 'temporary server error (injected ServiceUnavailable)';
    expect(waits.filter((wait) => wait !== null)).toEqual([
      { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown, cause, attempt: 1, of: 3 },
      { at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown, cause, attempt: 2, of: 3 },
    ]);
    // Shown while it waited, then gone: the row after the second wait says nothing of retrying.
    expect(waits.indexOf(null, waits.findLastIndex((wait) => wait !== null))).toBeGreaterThan(0);
    expect(waits.at(-1)).toBeNull();
    expect(app.folders.view(id)?.retrying).toBeNull();
  });
});
