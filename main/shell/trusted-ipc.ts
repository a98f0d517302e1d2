import { ipcMain } from 'electron';
import type { BrowserWindow, IpcMainInvokeEvent, WebContents, WebFrameMain } from 'electron';
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { DROP_CHANNEL } from '../../shared/ipc-channels.ts';
import { IPC_PREFIX, REQUEST_NAMES, dropRequest } from '../../shared/ipc-contract.ts';
import type { Envelope, GrantedPath } from '../../shared/ipc-contract.ts';
import type { HoistApp } from '../app/hoist-app.ts';
import type { PathGrants } from '../app/path-grants.ts';
import { untrustedReason } from './sender-check.ts';

/** The top frame of that webContents, still attached (Electron hands out one WebFrameMain object per frame). */
function isMainFrameOf(frame: WebFrameMain, contents: WebContents): boolean {
  if (frame.detached) return false;
  const main = contents.mainFrame;
  return frame === main || (frame.parent === null && frame.frameTreeNodeId === main.frameTreeNodeId);
}

export interface TrustedIpcOptions {
  app: Pick<HoistApp, 'dispatch' | 'on'>;
  /** Where dropped files' paths are granted. */
  grants: Pick<PathGrants, 'issue'>;
  /** Hoist's window, when it exists. */
  getWindow: () => BrowserWindow | undefined;
  /** Hoist's page (APP_PAGE_URL): the only page whose requests are served. */
  expectedUrl: string;
  log: (message: string) => void;
}

/**
 * One ipcMain.handle per contract request, and one for the preload's drops.
 * Every call is checked first: it must come from the main frame of Hoist's
 * own window showing Hoist's own page; anything else gets a 'forbidden'
 * envelope and a log line. App events go to the window on the same prefixed
 * channels. Returns a disposer.
 */
export function registerTrustedIpc({ app, grants, getWindow, expectedUrl, log }: TrustedIpcOptions): () => void {
  const senderProblem = (event: IpcMainInvokeEvent): string | undefined => {
    const window = getWindow();
    const contents = window && !window.isDestroyed() ? window.webContents : undefined;
    const frame = event.senderFrame;
    return untrustedReason({
      senderUrl: frame?.url,
      isMainFrame: frame !== null && contents !== undefined && isMainFrameOf(frame, contents),
      isOurWindow: contents !== undefined && event.sender === contents,
      expectedUrl,
    });
  };

  for (const name of REQUEST_NAMES) {
    ipcMain.handle(IPC_PREFIX + name, async (event, payload: unknown): Promise<Envelope<unknown>> => {
      const problem = senderProblem(event);
      if (problem) {
        log(`refused IPC request ${name}: ${problem}`);
        return { ok: false, error: { code: 'forbidden', message: `request ${name} refused: ${problem}` } };
      }
      return app.dispatch(name, payload);
    });
  }

  // A drop: the preload read the dropped Files' paths (the page cannot send on this channel); each gets a grant.
  ipcMain.handle(DROP_CHANNEL, async (event, payload: unknown): Promise<Envelope<GrantedPath[]>> => {
    const problem = senderProblem(event);
    if (problem) {
      log(`refused a drop: ${problem}`);
      return { ok: false, error: { code: 'forbidden', message: `drop refused: ${problem}` } };
    }
    const parsed = dropRequest.input.safeParse(payload);
    if (!parsed.success) return { ok: false, error: { code: 'invalid-payload', message: `invalid drop: ${z.prettifyError(parsed.error)}` } };
    const relative = parsed.data.paths.find((path) => !isAbsolute(path));
    if (relative !== undefined) return { ok: false, error: { code: 'invalid-payload', message: `invalid drop: ${relative} is not a full path` } };
    return { ok: true, value: parsed.data.paths.map((path) => grants.issue(path)) };
  });

  const unsubscribe = app.on((name, payload) => {
    const window = getWindow();
    if (window && !window.isDestroyed() && !window.webContents.isDestroyed()) window.webContents.send(IPC_PREFIX + name, payload);
  });

  return () => {
    unsubscribe();
    for (const name of REQUEST_NAMES) ipcMain.removeHandler(IPC_PREFIX + name);
    ipcMain.removeHandler(DROP_CHANNEL);
  };
}
