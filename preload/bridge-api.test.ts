import { describe, expect, it, vi } from 'vitest';
import { DROP_CHANNEL, EVENT_NAMES, IPC_PREFIX, REQUEST_NAMES } from '../shared/ipc-channels.ts';
import type { EventName } from '../shared/ipc-channels.ts';
import type { HoistBridge } from '../shared/ipc-contract.ts';
import { createBridgeApi } from './bridge-api.ts';
import type { IpcRendererLike } from './bridge-api.ts';

type Listener = (event: unknown, ...args: unknown[]) => void;

/** Enough of ipcRenderer: listeners per channel, a scripted invoke. */
class FakeIpcRenderer implements IpcRendererLike {
  readonly listeners = new Map<string, Listener[]>();
  readonly invoke = vi.fn(async (channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: `answer from ${channel}` }));
  /** What Electron passes as the first argument: it carries the raw ipcRenderer as `sender`. */
  readonly rawEvent = { sender: this, senderId: 0, ports: [] };

  on(channel: string, listener: Listener) {
    this.listeners.set(channel, [...(this.listeners.get(channel) ?? []), listener]);
    return this;
  }
  removeListener(channel: string, listener: Listener) {
    const list = this.listeners.get(channel) ?? [];
    const index = list.indexOf(listener);
    if (index >= 0) list.splice(index, 1);
    return this;
  }
  emit(channel: string, ...args: unknown[]) {
    for (const listener of [...(this.listeners.get(channel) ?? [])]) listener(this.rawEvent, ...args);
  }
  count(channel: string) {
    return this.listeners.get(channel)?.length ?? 0;
  }
}

function setup(getPathForFile: (file: unknown) => string = () => '') {
  const ipc = new FakeIpcRenderer();
  const api = createBridgeApi(ipc, { getPathForFile });
  return { ipc, api };
}

/** The page is plain JavaScript: it can pass any string. */
const untyped = (api: HoistBridge) =>
  api as unknown as { invoke(name: string, input: unknown): Promise<unknown>; on(name: string, listener: unknown): () => void; grantDroppedFiles(files: unknown): Promise<unknown> };

describe('invoke', () => {
  it('sends every contract request on its prefixed channel with the input as is', async () => {
    const { ipc, api } = setup();
    for (const name of REQUEST_NAMES) {
      const input = { probe: name };
      await expect(untyped(api).invoke(name, input)).resolves.toEqual({ ok: true, value: `answer from ${IPC_PREFIX}${name}` });
      expect(ipc.invoke).toHaveBeenLastCalledWith(`${IPC_PREFIX}${name}`, input);
    }
    expect(ipc.invoke).toHaveBeenCalledTimes(REQUEST_NAMES.length);
  });

  it('refuses names outside the contract without touching ipcRenderer', async () => {
    const { ipc, api } = setup();
    for (const name of ['', 'app', 'app.info.x', 'hoist:app.info', '__proto__', 'constructor', 'toString', 'notice', 'uploads.changed']) {
      await expect(untyped(api).invoke(name, {})).resolves.toEqual({ ok: false, error: { code: 'unknown-channel', message: expect.stringContaining('unknown request') } });
    }
    await expect(untyped(api).invoke(42 as unknown as string, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });

  it('turns a broken channel into a failed envelope instead of a rejection', async () => {
    const { ipc, api } = setup();
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'hoist:app.info'"));
    await expect(api.invoke('app.info', {})).resolves.toEqual({ ok: false, error: { code: 'failed', message: "No handler registered for 'hoist:app.info'" } });
  });
});

describe('on', () => {
  it('subscribes to the prefixed event channel and passes only the payload', () => {
    const { ipc, api } = setup();
    const listener = vi.fn();
    api.on('notice', listener);
    expect(ipc.count(`${IPC_PREFIX}notice`)).toBe(1);
    ipc.emit(`${IPC_PREFIX}notice`, { level: 'info', message: 'hi' }, 'extra');
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener).toHaveBeenCalledWith({ level: 'info', message: 'hi' });
    expect(listener.mock.calls[0]).toHaveLength(1);
    expect(listener.mock.calls[0]).not.toContain(ipc.rawEvent);
  });

  it('works for every contract event', () => {
    const { ipc, api } = setup();
    for (const name of EVENT_NAMES) {
      const listener = vi.fn();
      api.on(name as EventName, listener);
      ipc.emit(`${IPC_PREFIX}${name}`, { name });
      expect(listener).toHaveBeenCalledWith({ name });
    }
  });

  it('returns an unsubscribe that removes exactly that listener, once', () => {
    const { ipc, api } = setup();
    const first = vi.fn();
    const second = vi.fn();
    const offFirst = api.on('uploads.removed', first);
    api.on('uploads.removed', second);
    api.on('uploads.changed', first);
    offFirst();
    offFirst();
    expect(ipc.count(`${IPC_PREFIX}uploads.removed`)).toBe(1);
    expect(ipc.count(`${IPC_PREFIX}uploads.changed`)).toBe(1);
    ipc.emit(`${IPC_PREFIX}uploads.removed`, { ids: ['a'] });
    ipc.emit(`${IPC_PREFIX}uploads.changed`, { uploads: [] });
    expect(first).toHaveBeenCalledTimes(1);
    expect(first).toHaveBeenCalledWith({ uploads: [] });
    expect(second).toHaveBeenCalledWith({ ids: ['a'] });
  });

  it('refuses event names outside the contract and non-function listeners', () => {
    const { ipc, api } = setup();
    for (const name of ['app.info', 'hoist:notice', '__proto__', 'ipc-message', '']) {
      expect(() => untyped(api).on(name, () => {})).toThrow(/unknown event/);
    }
    expect(() => untyped(api).on('notice', 'not a function')).toThrow(/function/);
    expect(ipc.listeners.size).toBe(0);
  });
});

describe('grantDroppedFiles', () => {
  it('reads the paths in the preload and hands them to main on the drop channel, never a contract channel', async () => {
    const file = { name: 'a.bin' };
    const folder = { name: 'photos' };
    const { ipc, api } = setup((given) => (given === file ? '/data/a.bin' : given === folder ? '/data/photos' : ''));
    const granted = [{ grant: 'g_aaaaaaaaaaaaaaaaaaaaaa', path: '/data/a.bin' }];
    ipc.invoke.mockResolvedValueOnce({ ok: true, value: granted });
    expect(await api.grantDroppedFiles?.([file, folder, file])).toEqual({ ok: true, value: granted });
    expect(ipc.invoke.mock.calls).toEqual([[DROP_CHANNEL, { paths: ['/data/a.bin', '/data/photos'] }]]);
    expect(DROP_CHANNEL.startsWith(IPC_PREFIX)).toBe(false);
  });

  it('sends nothing for files without a path (built in script) or things that are not files', async () => {
    const throwing = setup(() => {
      throw new TypeError('parameter 1 is not of type File');
    });
    expect(await throwing.api.grantDroppedFiles?.(['nope'])).toEqual({ ok: true, value: [] });
    const scripted = setup(() => '');
    expect(await scripted.api.grantDroppedFiles?.([{}])).toEqual({ ok: true, value: [] });
    expect(await untyped(scripted.api).grantDroppedFiles('not a list')).toEqual({ ok: true, value: [] });
    expect(throwing.ipc.invoke).not.toHaveBeenCalled();
    expect(scripted.ipc.invoke).not.toHaveBeenCalled();
  });

  it('the page cannot reach the drop channel through invoke', async () => {
    const { ipc, api } = setup();
    expect(await untyped(api).invoke(DROP_CHANNEL, { paths: ['/etc/passwd'] })).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
    expect(ipc.invoke).not.toHaveBeenCalled();
  });
});

describe('the exposed object', () => {
  it('has only invoke, on and grantDroppedFiles', () => {
    expect(Object.keys(setup().api).sort()).toEqual(['grantDroppedFiles', 'invoke', 'on']);
  });
});
