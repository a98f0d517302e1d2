import type { EventName, EventPayload, Settings, Target, TargetView, UploadView } from '../../shared/ipc-contract.ts';
import type { UploadEngine } from '../engine/upload-engine.ts';
import type { TargetConfig } from '../engine/ports/records.ts';
import type { StateStore } from '../engine/ports/state-store.ts';
import type { SqliteAppConfigStore } from '../store/app-config-store.ts';
import type { AppFolders } from './app-folders.ts';
import type { HostCapabilities } from './host-capabilities.ts';

/*
 * What the request handlers need of the app, and nothing more. HoistApp
 * satisfies it; the handlers name this instead of the HoistApp class, so the
 * app and its handlers do not import each other.
 */

/** The parts of the app's dependencies the handlers reach directly. */
export interface HandlerDeps {
  readonly engine: UploadEngine;
  readonly store: StateStore;
  readonly config: Pick<SqliteAppConfigStore, 'saveTarget' | 'removeTarget'>;
  readonly host: HostCapabilities;
  /** The state directory: never uploaded (addable-path.ts). */
  readonly stateDir?: string;
}

/** The app as the request handlers see it (request-handlers.ts). */
export interface HandlerContext {
  readonly deps: HandlerDeps;
  /** Folders sent as one object per file. */
  readonly folders: AppFolders;
  views(): UploadView[];
  settings(): Settings;
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  targets(): Target[];
  target(id: string | null | undefined): Target | undefined;
  targetView(target: Target): TargetView;
  targetConfig(target: Target): TargetConfig;
  keyFor(target: Target, keySuffix: string): string;
  defaultKeySuffix(path: string): string;
  partSize(): number;
  start(id: string): void;
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
}

/** The smaller part of it the orphans.* handlers use (orphan-handlers.ts). */
export type OrphanHandlerContext = Pick<HandlerContext, 'target' | 'targetConfig' | 'keyFor' | 'start' | 'emit'> & {
  readonly deps: Pick<HandlerDeps, 'engine' | 'store' | 'host' | 'stateDir'>;
};
