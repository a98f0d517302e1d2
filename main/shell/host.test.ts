import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PathGrants } from '../app/path-grants.ts';
import { createElectronHost } from './host.ts';
import { FakeBrowserWindow, fake, resetFakeElectron } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

let stateDir: string;

beforeEach(async () => {
  resetFakeElectron();
  stateDir = await mkdtemp(join(tmpdir(), 'hoist-host-'));
});

afterEach(async () => {
  await rm(stateDir, { recursive: true, force: true });
});

function host(window?: FakeBrowserWindow) {
  const grants = new PathGrants();
  return { grants, host: createElectronHost({ stateDir, grants, getWindow: () => window as never, log: () => undefined }) };
}

describe('the Electron host', () => {
  it('says what it is, and takes files only by grant', () => {
    const { host: electron, grants } = host();
    expect(electron).toMatchObject({ mode: 'electron', version: '9.9.9-test', platform: process.platform });
    expect(electron.pathGrants).toBe(grants);
    expect(electron.secrets.kind).toBe('encrypted');
  });

  it('grants what the native dialog chose, and nothing when it was cancelled', async () => {
    const window = new FakeBrowserWindow({});
    const { host: electron, grants } = host(window);
    fake.openDialogAnswers.push({ canceled: false, filePaths: ['/home/me/a.iso', '/home/me/b.iso'] }, { canceled: true, filePaths: ['/ignored'] });

    const picked = await electron.pickPaths!({ folders: false });
    expect(picked.map(({ grant, path }) => [path, grants.resolve(grant)])).toEqual([
      ['/home/me/a.iso', '/home/me/a.iso'],
      ['/home/me/b.iso', '/home/me/b.iso'],
    ]);
    expect(await electron.pickPaths!({ folders: true })).toEqual([]);
    expect(fake.openDialogCalls).toEqual([
      { title: 'Upload files', properties: ['openFile', 'multiSelections'] },
      { title: 'Upload folder', properties: ['openDirectory'] },
    ]);
  });

  it('reveals in the file manager and notifies through Electron', () => {
    const { host: electron } = host();
    electron.reveal!('/data/a.bin');
    electron.notify!('Upload complete', 'a.bin');
    expect(fake.revealed).toEqual(['/data/a.bin']);
    expect(fake.notifications).toEqual([{ title: 'Upload complete', body: 'a.bin', silent: false }]);
  });

  it('asks in a native dialog before a target changes place, and only "Change it" agrees', async () => {
    const { host: electron } = host(new FakeBrowserWindow({}));
    const change = { targetId: 't1', targetName: 'NAS', lines: [], question: 'Change the endpoint of "NAS" from A to B?' };
    fake.messageBoxAnswers.push(1, 0);
    expect(await electron.confirmTargetChange!(change)).toBe(false);
    expect(await electron.confirmTargetChange!(change)).toBe(true);
    expect(fake.messageBoxCalls.map((call) => [call.message, call.buttons, call.cancelId])).toEqual([
      [change.question, ['Change it', 'Keep as it was'], 1],
      [change.question, ['Change it', 'Keep as it was'], 1],
    ]);
  });
});
