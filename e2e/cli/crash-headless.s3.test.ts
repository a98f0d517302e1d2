import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { UploadView } from '../../shared/ipc-contract.ts';
import { deleteObjects, endState, inFlightBytes } from '../support/crash-checks.ts';
import { CrashFigures } from '../support/crash-figures.ts';
import { makeRandomFile } from '../support/files.ts';
import { useTestWorkspace } from '../support/s3-fixture.ts';
import { saveSettings, saveTarget, startHeadlessApp, testTarget } from '../ui/support/headless-app.ts';
import type { HeadlessApp } from '../ui/support/headless-app.ts';

/**
 * The headless app (dist/headless/hoist-headless.mjs, what `npm start` runs)
 * SIGKILLed in the middle of an upload, at a crash point or from outside, and
 * started again on the same state directory: it resumes the upload by itself
 * (nobody asks) and ends like the CLI must, byte-identical, nothing left on
 * the server, an intact state database. The page is not needed for that and
 * not opened (restart.spec does, through Chromium); the app is driven through
 * its HTTP API with its token, as the page drives it.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const CONCURRENCY = 2;
const SIZE = 4 * PART + 4321;
const ws = useTestWorkspace();
const { config, client } = ws;
const figures = new CrashFigures('crash-headless');
const started: HeadlessApp[] = [];

beforeAll(async () => {
  // The s3 project's global setup builds only the CLI; `npm start` builds what is stale first, and so does this.
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'headless.mjs');
  const { ensureHeadlessBuilt } = (await import(pathToFileURL(script).href)) as { ensureHeadlessBuilt: () => Promise<void> };
  await ensureHeadlessBuilt();
});
afterEach(async () => {
  // Only the apps this file started, each by its own process.
  for (const app of started.splice(0)) await app.kill('SIGTERM');
});
afterAll(() => {
  figures.write();
});

async function start(stateDir: string, env: NodeJS.ProcessEnv = {}): Promise<HeadlessApp> {
  const app = await startHeadlessApp({ config, stateDir, env });
  started.push(app);
  return app;
}

async function viewOf(app: HeadlessApp, id: string): Promise<UploadView | undefined> {
  return (await app.invoke('uploads.list', {})).find((upload) => upload.id === id);
}

/** Polls the app's view of the upload until `done` says so (the page gets the same views as events). */
async function waitFor(app: HeadlessApp, id: string, done: (view: UploadView | undefined) => boolean, what: string): Promise<UploadView | undefined> {
  for (let waited = 0; waited < 90_000; waited += 50) {
    const view = await viewOf(app, id);
    if (done(view)) return view;
    if (app.child.exitCode !== null || app.child.signalCode !== null) throw new Error(`the app ended while waiting for ${what}\n${app.output().slice(-2000)}`);
    await delay(50);
  }
  throw new Error(`timed out waiting for ${what}: ${JSON.stringify(await viewOf(app, id))}`);
}

interface KillCase {
  name: string;
  /** HOIST_CRASH_AT for the first app; without it, an outside SIGKILL once a part is done and more are on the wire. */
  crashAt?: string;
}

const cases: KillCase[] = [
  { name: 'upload-created', crashAt: 'upload-created' },
  { name: 'part-uploaded', crashAt: 'part-uploaded:2' },
  { name: 'mid-part (outside SIGKILL)' },
  { name: 'before-complete', crashAt: 'before-complete' },
  { name: 'after-complete', crashAt: 'after-complete' },
];

describe('headless app: SIGKILL mid-upload, start again, it resumes by itself', () => {
  for (const [index, kill] of cases.entries()) {
    it(`${kill.name}: the restarted app completes the upload byte-identical, leaving nothing on the server`, async () => {
      const prefix = `headless-${index}/`;
      const file = join(ws.dir, `headless-${index}.bin`);
      const stateDir = join(ws.dir, `state-headless-${index}`);
      await makeRandomFile(file, SIZE);

      const first = await start(stateDir, kill.crashAt ? { HOIST_CRASH_AT: kill.crashAt } : {});
      await saveTarget(first, testTarget(config, ws.bucket, { keyPrefix: prefix }));
      // Slow enough from outside to find parts on the wire; at full speed when the app kills itself.
      await saveSettings(first, { partSizeMiB: 5, concurrency: CONCURRENCY, bandwidthLimitKiBps: kill.crashAt ? 0 : 16 * 1024 });
      const added = await first.invoke('uploads.add', { paths: [file], targetId: 'rgw', folderMode: 'files' });
      expect(added.rejected).toEqual([]);
      const id = added.added[0]?.id as string;

      const exited = once(first.child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
      if (!kill.crashAt) {
        await waitFor(first, id, (view) => (view?.partsDone ?? 0) >= 1 && (view?.bytesDone ?? 0) > PART, 'a part done and more on the wire');
        first.child.kill('SIGKILL');
      }
      const [, signal] = await exited;
      expect(signal, first.output().slice(-2000)).toBe('SIGKILL');
      figures.kill(kill.name);
      expect(inFlightBytes(stateDir)).toBeLessThanOrEqual(CONCURRENCY * PART);

      const second = await start(stateDir);
      const view = await waitFor(second, id, (upload) => upload?.state === 'completed' || upload?.state === 'failed', 'the upload to end');
      const key = `${prefix}headless-${index}.bin`;
      const end = await endState(client, ws.bucket, prefix, [{ key, file }], stateDir);
      figures.end(kill.name, end);

      expect(view, second.output().slice(-2000)).toMatchObject({ state: 'completed', restarts: 0, bytesDone: SIZE, key });
      expect(end).toEqual({ expected: 1, identical: 1, missingKeys: [], unexpectedKeys: [], leftoverUploads: [], integrity: 'ok' });
      await deleteObjects(client, ws.bucket, [key]);
    });
  }
});
