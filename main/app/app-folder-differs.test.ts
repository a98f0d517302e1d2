import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { FolderView } from '../../shared/ipc-contract.ts';
import { MiB, TARGET, useEngineFixture } from '../engine/testing/engine-fixture.ts';
import type { HostCapabilities } from './host-capabilities.ts';
import { newTestApp } from './testing/test-app.ts';

// The app's folders ask before overwriting an object that differs: the row
// carries how many files wait, and folders.settleDiffering (the folder and a
// choice, nothing else) overwrites or keeps them. Real engine and state
// database, in-memory S3.
const fixture = useEngineFixture();
const target = { id: 't1', name: 'Backups', endpoint: TARGET.endpoint, pathStyle: true, bucket: 'bucket', keyPrefix: 'pc', allowInsecureHttp: true };

async function newApp(host: Partial<HostCapabilities> = {}) {
  const made = newTestApp(fixture.newEngine({ defaultPartSize: 5 * MiB }), fixture.store, host);
  expect((await made.app.dispatch('targets.save', { target })).ok).toBe(true);
  return made;
}

/** A folder `name` with a.txt and b.txt; the server already holds other bytes at a.txt's key, and b.txt's own. */
async function folderWithDifferingObject(name: string): Promise<string> {
  const root = join(fixture.dir, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'mine');
  writeFileSync(join(root, 'b.txt'), 'same');
  await fixture.s3.putObject({ bucket: 'bucket', key: `pc/${name}/a.txt` }, Buffer.from('theirs, longer'), {});
  await fixture.s3.putObject({ bucket: 'bucket', key: `pc/${name}/b.txt` }, Buffer.from('same'), {});
  return root;
}

type App = Awaited<ReturnType<typeof newApp>>['app'];

async function addFolder(app: App, root: string): Promise<string> {
  const result = await app.dispatch('uploads.add', { paths: [root], targetId: 't1', folderMode: 'files' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { added: Array<{ id: string }> }).added[0]?.id ?? '';
}

async function untilState(app: App, id: string, state: FolderView['state']): Promise<FolderView> {
  await vi.waitFor(() => expect(app.folders.view(id)).toMatchObject({ state, running: false }), { timeout: 15_000 });
  return app.folders.view(id) as FolderView;
}

const object = (key: string) => fixture.s3.getObject({ bucket: 'bucket', key })?.body.toString();

describe('folders that differ from the server, in the app', () => {
  it('waits for the user instead of overwriting, then overwrites the shown object when told', async () => {
    const notify = vi.fn();
    const { app, events } = await newApp({ notify });
    const id = await addFolder(app, await folderWithDifferingObject('docs'));

    const asking = await untilState(app, id, 'asking');

    expect(asking).toMatchObject({ differing: 1, totals: { differs: { files: 1, bytes: 4 }, there: { files: 1 } } });
    expect(object('pc/docs/a.txt')).toBe('theirs, longer');
    expect(await app.dispatch('folders.files', { folderId: id, states: ['differs'] })).toEqual({
      ok: true,
      value: [{ relPath: 'a.txt', size: 4, state: 'differs', message: 'the object already at its key is 14 B, the file 4 B (s3://bucket/pc/docs/a.txt)' }],
    });
    expect(events).toContainEqual(['notice', expect.objectContaining({ level: 'warning', message: expect.stringContaining('docs: 1 file differs from the object already at its key') })]);
    expect(notify).toHaveBeenCalledWith('Overwrite files?', 'docs: 1 file differs from the object already at its key in s3://bucket/pc/docs/');
    // A folder waiting for a choice is not started again by itself.
    app.folders.resumeUnfinished();
    expect(app.folders.view(id)).toMatchObject({ state: 'asking', running: false });

    expect(await app.dispatch('folders.settleDiffering', { id, choice: 'overwrite' })).toEqual({ ok: true, value: { files: 1 } });
    const done = await untilState(app, id, 'completed');

    expect(done).toMatchObject({ differing: 0, totals: { done: { files: 1 }, there: { files: 1 } } });
    expect(object('pc/docs/a.txt')).toBe('mine');
  });

  it('keeps the server’s objects when told, and refuses a choice with nothing to apply it to or naming files', async () => {
    const { app } = await newApp();
    const id = await addFolder(app, await folderWithDifferingObject('keep'));
    await untilState(app, id, 'asking');
    expect(await app.dispatch('folders.settleDiffering', { id, choice: 'overwrite', paths: ['a.txt'] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });

    expect(await app.dispatch('folders.settleDiffering', { id, choice: 'skip' })).toEqual({ ok: true, value: { files: 1 } });
    const done = await untilState(app, id, 'completed');

    expect(done).toMatchObject({ differing: 0, totals: { kept: { files: 1 }, done: { files: 0 }, there: { files: 1 } } });
    expect(object('pc/keep/a.txt')).toBe('theirs, longer');
    expect(await app.dispatch('folders.settleDiffering', { id, choice: 'overwrite' })).toMatchObject({ ok: false, error: { code: 'failed' } });
    expect(await app.dispatch('folders.settleDiffering', { id: 'nope', choice: 'skip' })).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });
});
