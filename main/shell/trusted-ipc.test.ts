import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DROP_CHANNEL } from '../../shared/ipc-channels.ts';
import { IPC_PREFIX, REQUEST_NAMES } from '../../shared/ipc-contract.ts';
import { PathGrants } from '../app/path-grants.ts';
import { APP_PAGE_URL } from './app-scheme.ts';
import { FakeBrowserWindow, fake, resetFakeElectron } from './testing/fake-electron.ts';
import { registerTrustedIpc } from './trusted-ipc.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

type Listener = (name: string, payload: unknown) => void;

function setup() {
  const window = new FakeBrowserWindow({});
  void window.loadURL(APP_PAGE_URL);
  const listeners: Listener[] = [];
  const app = {
    dispatch: vi.fn(async (name: string) => ({ ok: true as const, value: `answer to ${name}` })),
    on: (listener: Listener) => {
      listeners.push(listener);
      return () => void listeners.splice(listeners.indexOf(listener), 1);
    },
  };
  const logged: string[] = [];
  const grants = new PathGrants();
  const dispose = registerTrustedIpc({
    app: app as never,
    grants,
    getWindow: () => window as never,
    expectedUrl: APP_PAGE_URL,
    log: (m) => logged.push(m),
  });
  /** A call as Electron hands it to the handler: the sending webContents and frame. */
  const call = (channel: string, payload: unknown, from: { sender?: unknown; senderFrame?: unknown } = {}) =>
    fake.ipcHandlers.get(channel)!({ sender: from.sender ?? window.webContents, senderFrame: 'senderFrame' in from ? from.senderFrame : window.webContents.mainFrame } as never, payload);
  return { window, app, listeners, logged, grants, dispose, call };
}

beforeEach(() => resetFakeElectron());

describe('trusted IPC', () => {
  it('serves every contract request from the main frame of Hoist\'s window on Hoist\'s page', async () => {
    const { app, call } = setup();
    expect([...fake.ipcHandlers.keys()].sort()).toEqual([...REQUEST_NAMES.map((name) => IPC_PREFIX + name), DROP_CHANNEL].sort());
    expect(await call(`${IPC_PREFIX}uploads.list`, {})).toEqual({ ok: true, value: 'answer to uploads.list' });
    expect(app.dispatch).toHaveBeenCalledWith('uploads.list', {});
  });

  it('refuses a request from another window, an iframe, a detached frame or another page, without dispatching it', async () => {
    const { window, app, call, logged } = setup();
    const other = new FakeBrowserWindow({});
    void other.loadURL(APP_PAGE_URL);
    const iframe = { url: APP_PAGE_URL, detached: false, parent: window.webContents.mainFrame, frameTreeNodeId: 999 };
    const detached = { ...window.webContents.mainFrame, url: APP_PAGE_URL, detached: true };
    const cases = [
      [{ sender: other.webContents, senderFrame: other.webContents.mainFrame }, 'not from the Hoist window'],
      [{ senderFrame: iframe }, 'not from the main frame'],
      [{ senderFrame: detached }, 'not from the main frame'],
      [{ senderFrame: null }, 'not from the main frame'],
    ] as const;
    for (const [from, reason] of cases) {
      expect(await call(`${IPC_PREFIX}uploads.add`, { grants: [], targetId: 't' }, from as never)).toEqual({
        ok: false,
        error: { code: 'forbidden', message: `request uploads.add refused: ${reason}` },
      });
    }
    // The window itself, showing something else (a navigation that got through, a file: page).
    (window.webContents.mainFrame as { url: string }).url = 'file:///opt/Hoist/resources/app.asar/dist/renderer/index.html';
    expect(await call(`${IPC_PREFIX}app.info`, {})).toMatchObject({ ok: false, error: { code: 'forbidden', message: expect.stringContaining('unexpected page') } });
    expect(app.dispatch).not.toHaveBeenCalled();
    expect(logged).toHaveLength(5);
  });

  it('grants the paths of a drop from Hoist\'s page, and refuses a drop from anywhere else or with a relative path', async () => {
    const { window, call, grants } = setup();
    const answer = (await call(DROP_CHANNEL, { paths: ['/data/a.bin', '/data/photos'] })) as { ok: true; value: Array<{ grant: string; path: string }> };
    expect(answer.ok).toBe(true);
    expect(answer.value.map((item) => [item.path, grants.resolve(item.grant)])).toEqual([
      ['/data/a.bin', '/data/a.bin'],
      ['/data/photos', '/data/photos'],
    ]);
    expect(await call(DROP_CHANNEL, { paths: ['data/a.bin'] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await call(DROP_CHANNEL, { paths: [] })).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    expect(await call(DROP_CHANNEL, ['/etc/passwd'])).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
    const iframe = { url: APP_PAGE_URL, detached: false, parent: window.webContents.mainFrame, frameTreeNodeId: 999 };
    expect(await call(DROP_CHANNEL, { paths: ['/etc/passwd'] }, { senderFrame: iframe })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('sends app events to the window on their channels, and the disposer removes every handler', () => {
    const { window, listeners, dispose } = setup();
    for (const listener of listeners) listener('notice', { level: 'info', message: 'hi' });
    expect(window.webContents.fake.sent).toEqual([[`${IPC_PREFIX}notice`, { level: 'info', message: 'hi' }]]);
    dispose();
    expect(fake.ipcHandlers.size).toBe(0);
    expect(listeners).toHaveLength(0);
  });
});
