// Values only from the schema-free names module: the preload is bundled, and the
// contract's zod schemas would bring all of zod with them. Types are erased.
import { DROP_CHANNEL, IPC_PREFIX, isEventName, isRequestName } from '../shared/ipc-channels.ts';
import type { EventName, RequestName } from '../shared/ipc-channels.ts';
import type { Envelope, EventPayload, GrantedPath, HoistBridge, RequestInput, RequestOutput } from '../shared/ipc-contract.ts';

/** The part of Electron's ipcRenderer the bridge uses; a fake stands in for it in tests. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

/** The part of Electron's webUtils the bridge uses. */
export interface WebUtilsLike {
  getPathForFile(file: unknown): string;
}

/**
 * The API the page gets as `window.hoist`: only the contract's requests and
 * events, each on its own prefixed channel. The page never sees ipcRenderer
 * or an IpcRendererEvent (whose `sender` is ipcRenderer itself).
 */
export function createBridgeApi(ipcRenderer: IpcRendererLike, webUtils: WebUtilsLike): HoistBridge {
  return {
    async invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>> {
      if (!isRequestName(name)) return { ok: false, error: { code: 'unknown-channel', message: `unknown request "${String(name)}"` } };
      try {
        return (await ipcRenderer.invoke(IPC_PREFIX + name, input)) as Envelope<RequestOutput<N>>;
      } catch (error) {
        // Only when main has no handler or the channel broke: the page still gets an envelope.
        return { ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } };
      }
    },

    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      if (!isEventName(name)) throw new TypeError(`unknown event "${String(name)}"`);
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      const channel = IPC_PREFIX + name;
      const forward = (_event: unknown, payload: unknown) => listener(payload as EventPayload<E>);
      ipcRenderer.on(channel, forward);
      let subscribed = true;
      return () => {
        if (!subscribed) return;
        subscribed = false;
        ipcRenderer.removeListener(channel, forward);
      };
    },

    /**
     * A drop: the preload reads each File's path (webUtils.getPathForFile; ''
     * for a File built in script, which names nothing on disk) and hands the
     * paths to main on its own channel, which the page cannot use; main
     * answers a grant per path. The page sees grants and paths, and can
     * only ever name files the user really dropped.
     */
    async grantDroppedFiles(files: readonly unknown[]): Promise<Envelope<GrantedPath[]>> {
      const paths: string[] = [];
      for (const file of Array.isArray(files) ? files : []) {
        try {
          const path = webUtils.getPathForFile(file);
          if (path && !paths.includes(path)) paths.push(path);
        } catch {
          // Not a File: nothing to grant.
        }
      }
      if (paths.length === 0) return { ok: true, value: [] };
      try {
        return (await ipcRenderer.invoke(DROP_CHANNEL, { paths })) as Envelope<GrantedPath[]>;
      } catch (error) {
        return { ok: false, error: { code: 'failed', message: error instanceof Error ? error.message : String(error) } };
      }
    },
  };
}
