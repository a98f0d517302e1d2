import { describe, expect, it, vi } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { fatalFailure } from '../engine/testing/memory-object-store.ts';
import type { HoistApp } from './hoist-app.ts';
import { newTestApp } from './testing/test-app.ts';

// Adding a file whose key already holds an object asks first (issue 16, point
// 10), and "Retry all failed" (point 6), over the real engine and store.
const fixture = useEngineFixture();
const target = { id: 't1', name: 'Backups', bucket: 'bucket', keyPrefix: 'pc' };

async function stateOf(app: HoistApp, id: string, state: string): Promise<void> {
  await vi.waitFor(() => expect(app.views().find((view) => view.id === id)?.state).toBe(state), { timeout: 10_000 });
}

async function add(app: HoistApp, path: string): Promise<string> {
  const result = await app.dispatch('uploads.add', { paths: [path], targetId: 't1' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { added: Array<{ id: string }> }).added[0]?.id ?? '';
}

describe('adding a file whose key holds an object', () => {
  it('waits for the choice instead of overwriting; overwriting then replaces the object', async () => {
    const { app, events } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    const first = fixture.writeSource(6 * 1024 * 1024, 'report.bin');
    const firstId = await add(app, first.path);
    await stateOf(app, firstId, 'completed');

    const second = fixture.writeSource(7 * 1024 * 1024, 'report.bin');
    const id = await add(app, second.path);
    const view = app.views().find((row) => row.id === id);
    expect(view).toMatchObject({ state: 'conflict', conflictOver: 'object', bytesDone: 0 });
    expect(view?.conflict).toMatch(/^s3:\/\/bucket\/pc\/report\.bin already holds an object \(6\.0 MiB\)/);
    expect(events).toContainEqual(['notice', expect.objectContaining({ uploadId: id, about: 'exists' })]);
    // Nothing was sent: the object is still the first file's.
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/report.bin' })?.body.equals(first.content)).toBe(true);
    // A restart does not run it either: it waits for the user.
    await app.deps.engine.resumeAll({ includePaused: false });
    expect(app.views().find((row) => row.id === id)?.state).toBe('conflict');

    expect((await app.dispatch('uploads.resolveConflict', { id, choice: 'reuse' })).ok).toBe(true);
    await stateOf(app, id, 'completed');
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/report.bin' })?.body.equals(second.content)).toBe(true);
  });

  it('skipping keeps the object and forgets the upload', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    const first = fixture.writeSource(1000, 'note.txt');
    await stateOf(app, await add(app, first.path), 'completed');
    const id = await add(app, fixture.writeSource(2000, 'note.txt').path);
    await stateOf(app, id, 'conflict');

    expect((await app.dispatch('uploads.resolveConflict', { id, choice: 'cancel' })).ok).toBe(true);
    expect(app.views().map((row) => row.id)).not.toContain(id);
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/note.txt' })?.body.equals(first.content)).toBe(true);
  });

  it('starts at once when the key is empty', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    await stateOf(app, await add(app, fixture.writeSource(1000, 'fresh.txt').path), 'completed');
  });
});

describe('uploads.retryFailed', () => {
  it('runs every failed upload again and says how many, leaving the others alone', async () => {
    const { app, events } = newTestApp(fixture.newEngine(), fixture.store);
    await app.dispatch('targets.save', { target });
    fixture.s3.failNext('putObject', fatalFailure(), { times: 1 });
    const id = await add(app, fixture.writeSource(1000, 'one.txt').path);
    await stateOf(app, id, 'failed');
    expect(events).toContainEqual(['notice', expect.objectContaining({ uploadId: id, about: 'failed', level: 'error' })]);

    const answer = await app.dispatch('uploads.retryFailed', {});
    expect(answer).toEqual({ ok: true, value: { uploads: 1, folders: 0 } });
    await stateOf(app, id, 'completed');
    expect(await app.dispatch('uploads.retryFailed', {})).toEqual({ ok: true, value: { uploads: 0, folders: 0 } });
  });

  it('refuses a payload', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store);
    expect(await app.dispatch('uploads.retryFailed', { all: true })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
  });
});
