import { FolderUploads } from '../../engine/folders/folder-uploads.ts';
import type { UploadEngine } from '../../engine/upload-engine.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { FileSource } from '../../source/file-source.ts';
import { localFolderLister } from '../../source/folder-lister.ts';
import { SqliteAppConfigStore } from '../../store/app-config-store.ts';
import { SqliteFolderStore } from '../../store/sqlite-folder-store.ts';
import type { SqliteStateStore } from '../../store/sqlite-state-store.ts';
import { HoistApp } from '../hoist-app.ts';
import type { HostCapabilities } from '../host-capabilities.ts';
import { UnavailableSecretStore } from '../secret-store.ts';

/**
 * The app over an engine of the engine fixture, composed as open-app.ts does
 * (folders beside the engine, on the same state database), with a headless
 * host that logs nowhere unless told otherwise. Events are collected.
 */
export function newTestApp(engine: UploadEngine, store: SqliteStateStore, host: Partial<HostCapabilities> = {}) {
  const folders = new FolderUploads({
    engine,
    folders: new SqliteFolderStore(store.database),
    capabilities: store,
    lister: localFolderLister,
    source: new FileSource(),
    clock: systemClock,
    log: () => undefined,
  });
  const app = new HoistApp({
    engine,
    folders,
    store,
    config: new SqliteAppConfigStore(store.database),
    host: { mode: 'headless', version: 'test', platform: 'linux', secrets: new UnavailableSecretStore('no keyring in tests'), log: () => undefined, ...host },
  });
  const events: Array<[string, unknown]> = [];
  app.on((name, payload) => events.push([name, payload]));
  return { app, engine, folders, events };
}
