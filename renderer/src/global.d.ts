import type { HoistBridge } from '../../shared/ipc-contract.ts';

declare global {
  interface Window {
    /** Set by the Electron preload (contextBridge); absent in a browser. */
    hoist?: HoistBridge;
  }
}
