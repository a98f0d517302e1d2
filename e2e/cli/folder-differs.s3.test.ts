import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FolderView } from '../../shared/ipc-contract.ts';
import { newTestApp } from '../../main/app/testing/test-app.ts';
import { threadHasher } from '../../main/platform/part-hasher-thread.ts';
import { systemClock } from '../../main/platform/system-clock.ts';
import { DEFAULT_S3_OPTIONS } from '../../main/s3/s3-client.ts';
import { S3ObjectStore } from '../../main/s3/s3-object-store.ts';
import { FileSource } from '../../main/source/file-source.ts';
import { openState } from '../../main/store/open-state.ts';
import type { OpenedState } from '../../main/store/open-state.ts';
import { UploadEngine } from '../../main/engine/upload-engine.ts';
import { cliEnv, jsonOutput, runCli } from '../support/cli-runner.ts';
import { fileDigest } from '../support/files.ts';
import { listUnfinishedUploads, objectBytes, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

// The app's folders ask before overwriting an object that differs, against the
// real server: RGW's ETags (quoted, multipart) decide what is identical and
// which object the user agreed to replace. A folder the app left waiting is
// shown by the CLI's status and left alone by its resume (exit 3).

const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;
const opened: OpenedState[] = [];

afterEach(() => {
  for (const state of opened.splice(0)) state.close();
});

/** The app over the real engine and the test server, on the state directory (holding its lock, as the app does). */
async function openApp(stateDir: string) {
  const state = openState(stateDir, { lockFor: 'test app' });
  opened.push(state);
  const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
  const engine = new UploadEngine(
    { store: state.store, objectStoreFor: (target) => S3ObjectStore.forTarget(target, DEFAULT_S3_OPTIONS, credentials), source: new FileSource(), clock: systemClock, hasher: threadHasher },
    { concurrency: 2, defaultPartSize: 5 * MiB },
  );
  const made = newTestApp(engine, state.store);
  const target = { id: 't1', name: 'RGW', endpoint: config.endpoint ?? '', region: config.region, pathStyle: config.pathStyle, bucket: ws.bucket, keyPrefix: 'app' };
  expect((await made.app.dispatch('targets.save', { target })).ok).toBe(true);
  expect((await made.app.dispatch('settings.set', { partSizeMiB: 5 })).ok).toBe(true);
  const close = async () => {
    await made.app.shutdown();
    opened.splice(opened.indexOf(state), 1);
    state.close();
  };
  return { ...made, close };
}

type App = Awaited<ReturnType<typeof openApp>>['app'];

async function untilState(app: App, id: string, state: FolderView['state']): Promise<FolderView> {
  await vi.waitFor(() => expect(app.folders.view(id)).toMatchObject({ state, running: false }), { timeout: 60_000, interval: 100 });
  return app.folders.view(id) as FolderView;
}

const put = (key: string, body: Buffer | string) => client.send(new PutObjectCommand({ Bucket: ws.bucket, Key: key, Body: body }));
const text = async (key: string) => Buffer.from(await objectBytes(client, ws.bucket, key)).toString();

/** A folder `name`: a small file and a big one (two parts) whose keys hold other bytes, and one whose key holds its own. */
async function folderFacingOtherObjects(name: string): Promise<string> {
  const root = join(ws.dir, name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'a.txt'), 'mine, the local a');
  writeFileSync(join(root, 'big.bin'), Buffer.alloc(6 * MiB, 3));
  writeFileSync(join(root, 'same.txt'), 'identical');
  await put(`app/${name}/a.txt`, 'theirs');
  await put(`app/${name}/big.bin`, Buffer.alloc(6 * MiB, 4));
  await put(`app/${name}/same.txt`, 'identical');
  return root;
}

describe('a folder added in the app whose keys hold different objects', () => {
  it('waits for the user; the CLI shows it and leaves it (exit 3); overwrite then replaces exactly those objects', async () => {
    const stateDir = join(ws.dir, 'state-overwrite');
    const root = await folderFacingOtherObjects('photos');
    const first = await openApp(stateDir);
    const added = await first.app.dispatch('uploads.add', { paths: [root], targetId: 't1', folderMode: 'files' });
    const id = (added.ok ? (added.value as { added: Array<{ id: string }> }).added[0]?.id : undefined) ?? '';

    const asking = await untilState(first.app, id, 'asking');
    expect(asking).toMatchObject({ differing: 2, totals: { differs: { files: 2 }, there: { files: 1 }, done: { files: 0 } } });
    expect(await text('app/photos/a.txt')).toBe('theirs');
    expect(await first.app.dispatch('folders.files', { folderId: id, states: ['differs'] })).toEqual({
      ok: true,
      value: [
        { relPath: 'a.txt', size: 17, state: 'differs', message: `the object already at its key is 6 B, the file 17 B (s3://${ws.bucket}/app/photos/a.txt)` },
        { relPath: 'big.bin', size: 6 * MiB, state: 'differs', message: `the object already at its key is the same size (6.0 MiB), with different content (s3://${ws.bucket}/app/photos/big.bin)` },
      ],
    });
    await first.close();

    const env = cliEnv(config, stateDir);
    const status = await runCli(['status'], env);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`${id}  folder waiting for a choice  files 1/3`);
    expect(status.stdout).toContain('2 differ from the objects at their keys: the app decides, or cancel and upload again with --if-exists overwrite');
    expect(jsonOutput<Array<{ id: string; state: string; files: Record<string, { files: number }> }>>(await runCli(['status', '--json'], env))).toEqual([
      expect.objectContaining({ id, state: 'asking', files: expect.objectContaining({ differs: { files: 2, bytes: 6 * MiB + 17 }, kept: { files: 0, bytes: 0 } }) }),
    ]);
    const resume = await runCli(['resume'], env);
    expect(resume.code, resume.stderr).toBe(3);
    expect(resume.stderr).toContain(`hoist: the object already at its key is 6 B, the file 17 B (s3://${ws.bucket}/app/photos/a.txt)`);
    expect(resume.stderr).toContain('2 file(s) whose keys hold different objects left as they are: the app decides them');
    expect(await text('app/photos/a.txt')).toBe('theirs');
    expect((await objectDigest(client, ws.bucket, 'app/photos/big.bin')).size).toBe(6 * MiB);

    const second = await openApp(stateDir);
    expect(await second.app.dispatch('folders.settleDiffering', { id, choice: 'overwrite' })).toEqual({ ok: true, value: { files: 2 } });
    const done = await untilState(second.app, id, 'completed');

    expect(done).toMatchObject({ differing: 0, totals: { done: { files: 2 }, there: { files: 1 } } });
    for (const name of ['a.txt', 'big.bin', 'same.txt']) expect(await objectDigest(client, ws.bucket, `app/photos/${name}`)).toEqual(await fileDigest(join(root, name)));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });

  it('asks again about an object replaced after the user chose to overwrite it, and keeps the server’s when told', async () => {
    const stateDir = join(ws.dir, 'state-keep');
    const root = await folderFacingOtherObjects('docs');
    const { app, folders } = await openApp(stateDir);
    const added = await app.dispatch('uploads.add', { paths: [root], targetId: 't1', folderMode: 'files' });
    const id = (added.ok ? (added.value as { added: Array<{ id: string }> }).added[0]?.id : undefined) ?? '';
    await untilState(app, id, 'asking');

    // Replaced between the user's look and the folder's run (the engine's own run, so nothing starts in between).
    expect(folders.settleDiffering(id, 'overwrite')).toBe(2);
    await put('app/docs/a.txt', 'replaced by someone else');
    const result = await folders.run(id);

    expect(result.outcome).toBe('asking');
    expect(await text('app/docs/a.txt')).toBe('replaced by someone else');
    expect(folders.store.getFolderFile(id, 'a.txt')).toMatchObject({ state: 'differs', message: `replaced since you chose to overwrite it: the object already at its key is 24 B, the file 17 B (s3://${ws.bucket}/app/docs/a.txt)` });
    // The big file's object was left as the user saw it: that one was overwritten.
    expect(await objectDigest(client, ws.bucket, 'app/docs/big.bin')).toEqual(await fileDigest(join(root, 'big.bin')));

    expect(await app.dispatch('folders.settleDiffering', { id, choice: 'skip' })).toEqual({ ok: true, value: { files: 1 } });
    const done = await untilState(app, id, 'completed');

    expect(done).toMatchObject({ differing: 0, totals: { kept: { files: 1 }, done: { files: 1 }, there: { files: 1 } } });
    expect(await text('app/docs/a.txt')).toBe('replaced by someone else');
  });
});
