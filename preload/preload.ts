// The sandboxed preload: bundled into one CommonJS file (dist/electron/preload.cjs)
// because a sandboxed preload can require nothing but a few electron modules.
// It only wires Electron into the testable bridge-api.ts. (The preload is the
// renderer-side half of the Electron shell, hence its electron import.)
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { createBridgeApi } from './bridge-api.ts';

contextBridge.exposeInMainWorld(
  'hoist',
  createBridgeApi(ipcRenderer, { getPathForFile: (file) => webUtils.getPathForFile(file as Parameters<typeof webUtils.getPathForFile>[0]) }),
);
