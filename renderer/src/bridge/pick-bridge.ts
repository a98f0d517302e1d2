import type { HoistBridge } from '../../../shared/ipc-contract.ts';
import { createWebBridge } from './web-bridge.ts';

/**
 * In Electron the preload has put the bridge on window.hoist; anywhere else the
 * page was served by the headless server and talks to it over HTTP. Created
 * lazily so a desktop window never looks at the URL hash for a token.
 */
export function pickBridge(win: Window = window): HoistBridge {
  return win.hoist ?? createWebBridge();
}
