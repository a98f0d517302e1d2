/**
 * The names of the IPC contract's requests and events, and nothing else: no
 * schemas, no zod. The sandboxed preload guards its channels with these, so
 * its bundle stays small; `ipc-contract.ts` gives every name its schemas and
 * is checked to cover exactly these names (by type and by test).
 */

export const REQUEST_NAMES = [
  'app.info',
  'uploads.list',
  'uploads.events',
  'uploads.add',
  'uploads.pause',
  'uploads.resume',
  'uploads.retry',
  'uploads.cancel',
  'uploads.resolveConflict',
  'uploads.reveal',
  'uploads.pauseAll',
  'uploads.resumeAll',
  'uploads.clearFinished',
  'uploads.retryFailed',
  'folders.list',
  'folders.files',
  'folders.pause',
  'folders.resume',
  'folders.cancel',
  'folders.settleDiffering',
  'targets.list',
  'targets.save',
  'targets.remove',
  'settings.get',
  'settings.set',
  'orphans.list',
  'orphans.abort',
  'orphans.adopt',
  'dialog.pickPaths',
  'files.browse',
] as const;
export type RequestName = (typeof REQUEST_NAMES)[number];

/** Events go from main to the UI. */
export const EVENT_NAMES = ['uploads.changed', 'uploads.removed', 'folders.changed', 'folders.removed', 'notice'] as const;
export type EventName = (typeof EVENT_NAMES)[number];

const requestNames: ReadonlySet<string> = new Set(REQUEST_NAMES);
const eventNames: ReadonlySet<string> = new Set(EVENT_NAMES);

/** True only for a contract request name (never for inherited names like `constructor`). */
export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && requestNames.has(name);
}

/** True only for a contract event name. */
export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && eventNames.has(name);
}

/** Electron IPC channel names are the request and event names under one prefix. */
export const IPC_PREFIX = 'hoist:';

/**
 * The preload's own channel to main, outside the contract's requests: the
 * paths of files dropped on the window, read in the preload with
 * webUtils.getPathForFile, for main to grant (ipc-path-schemas.ts).
 */
export const DROP_CHANNEL = 'hoist-preload:drop';
