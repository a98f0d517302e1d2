import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IPC_PREFIX } from '../../shared/ipc-contract.ts';
import type { UploadView } from '../../shared/ipc-contract.ts';
import { startShell } from './start-shell.ts';
import * as fakeElectron from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

// Each test starts the shell afresh over a reset fake, as main.ts does once in Electron.
type FakeModule = typeof fakeElectron;

const saved = { argv: process.argv, stateDir: process.env.HOIST_STATE_DIR };
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'hoist-main-'));
  process.env.HOIST_STATE_DIR = join(work, 'state');
});

afterEach(async () => {
  process.argv = saved.argv;
  if (saved.stateDir === undefined) delete process.env.HOIST_STATE_DIR;
  else process.env.HOIST_STATE_DIR = saved.stateDir;
  await rm(work, { recursive: true, force: true });
});

/** Starts the shell with this command line (main.ts itself the first time); resolves once it is ready (IPC handlers registered). */
let entryLoaded = false;
async function launch(argv: string[], configure: (electron: FakeModule) => void = () => undefined) {
  const electron = fakeElectron;
  electron.resetFakeElectron();
  electron.fake.appPath = join(work, 'app');
  electron.fake.paths.set('logs', join(work, 'logs'));
  configure(electron);
  process.argv = ['/opt/Hoist/hoist', ...argv];
  if (entryLoaded) startShell();
  else {
    entryLoaded = true;
    await import('./main.ts');
  }
  const { fake } = electron;
  if (fake.singleInstanceLock) await vi.waitFor(() => expect(fake.ipcHandlers.size).toBeGreaterThan(0));
  return electron;
}

/** A request as Hoist's page sends it. */
async function invoke(electron: FakeModule, name: string, payload: unknown) {
  const window = electron.fake.windows[0]!;
  const handler = electron.fake.ipcHandlers.get(IPC_PREFIX + name)!;
  return (await handler({ sender: window.webContents, senderFrame: window.webContents.mainFrame } as never, payload)) as { ok: boolean; value?: unknown };
}

async function quit(electron: FakeModule) {
  electron.electronModule.app.emit('before-quit', { preventDefault: () => undefined });
  await vi.waitFor(() => expect(electron.fake.exitCodes).toEqual([0]));
}

const paths = async (electron: FakeModule) => ((await invoke(electron, 'uploads.list', {})).value as UploadView[]).map((upload) => upload.path);

async function withTarget(electron: FakeModule) {
  // Nothing listens on port 9: an added upload fails to connect, which is all these tests need.
  const target = { id: 't1', name: 'Backups', endpoint: 'http://127.0.0.1:9', bucket: 'backups', pathStyle: true };
  expect(await invoke(electron, 'targets.save', { target })).toMatchObject({ ok: true });
}

describe('the Electron main process', () => {
  it('a second copy only hands over to the first and quits', async () => {
    const electron = await launch([], ({ fake }) => (fake.singleInstanceLock = false));
    expect(electron.fake.quitCalls).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(electron.fake.windows).toEqual([]);
    expect(electron.fake.privilegedSchemes).toEqual([]);
    expect(electron.fake.ipcHandlers.size).toBe(0);
  });

  it('shows Hoist from its privileged scheme in a hardened session, with a tray', async () => {
    const electron = await launch([]);
    const { fake } = electron;
    expect(fake.privilegedSchemes.map((scheme) => scheme.scheme)).toEqual(['hoist']);
    expect([...fake.protocolHandlers.keys()]).toEqual(['hoist']);
    expect(fake.headersListener).toBeDefined();
    expect(fake.permissionCheck?.()).toBe(false);
    expect(fake.windows).toHaveLength(1);
    expect(fake.windows[0]!.fake.loaded).toEqual(['hoist://app/index.html']);
    expect(fake.windows[0]!.fake.options.webPreferences?.preload).toBe(join(work, 'app', 'dist', 'electron', 'preload.cjs'));
    expect(fake.trays).toHaveLength(1);
    expect(await invoke(electron, 'app.info', {})).toMatchObject({ ok: true, value: { mode: 'electron', canPickFiles: true } });
    await quit(electron);
    expect(fake.trays[0]!.fake.destroyed).toBe(true);
    expect(fake.ipcHandlers.size).toBe(0);
  });

  it('started at login (--hidden) stays in the tray, without a window', async () => {
    const electron = await launch(['--hidden']);
    expect(electron.fake.windows).toEqual([]);
    expect(electron.fake.trays).toHaveLength(1);
    await quit(electron);
  });

  it('asks before uploading what a second launch hands over, and uploads it only when the user agrees', async () => {
    const file = join(work, 'handed-over.bin');
    await writeFile(file, 'x'.repeat(1000));
    const electron = await launch([]);
    const { fake, electronModule } = electron;
    await withTarget(electron);
    fake.windows[0]!.hide();

    fake.messageBoxAnswers.push(1); // Cancel
    electronModule.app.emit('second-instance', {}, ['/opt/Hoist/hoist', 'handed-over.bin'], work);
    await vi.waitFor(() => expect(fake.messageBoxCalls).toHaveLength(1));
    expect(fake.windows[0]!.fake.visible).toBe(true);
    expect(fake.messageBoxCalls[0]).toMatchObject({ message: 'Upload this file to Backups?', detail: expect.stringContaining(file), cancelId: 1, defaultId: 1 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await paths(electron)).toEqual([]);

    fake.messageBoxAnswers.push(0); // Upload
    electronModule.app.emit('second-instance', {}, ['/opt/Hoist/hoist', file], '/');
    await vi.waitFor(async () => expect(await paths(electron)).toEqual([file]));
    expect(fake.messageBoxCalls).toHaveLength(2);
    await quit(electron);
  });

  it('adds the paths it was started with to the first target without asking (the user started it with them)', async () => {
    const first = await launch([]);
    await withTarget(first);
    await quit(first);

    const file = join(work, 'opened-with.bin');
    await writeFile(file, 'x'.repeat(1000));
    const electron = await launch([file, join(work, 'missing.bin')]);
    await vi.waitFor(async () => expect(await paths(electron)).toEqual([file]));
    expect(electron.fake.messageBoxCalls).toEqual([]);
    await quit(electron);
  });

  it('the page cannot upload by raw path, only what the user chose', async () => {
    const file = join(work, 'secret.bin');
    await writeFile(file, 'x');
    const electron = await launch([]);
    await withTarget(electron);
    expect(await invoke(electron, 'uploads.add', { paths: [file], targetId: 't1' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await paths(electron)).toEqual([]);
    await quit(electron);
  });
});
