import { FolderUploads } from './engine/folders/folder-uploads.ts';
import type { ByteSource } from './engine/ports/byte-source.ts';
import type { Clock } from './engine/ports/clock.ts';
import type { UploadEngine } from './engine/upload-engine.ts';
import { dirname } from 'node:path';
import { folderListerFor } from './source/folder-lister.ts';
import { SqliteFolderStore } from './store/sqlite-folder-store.ts';
import type { SqliteStateStore } from './store/sqlite-state-store.ts';

/**
 * Folder uploads over this machine's file system and the state database, for
 * every host (the CLI's services and the app): a folder's files go through the
 * engine's part slots, bandwidth limit and per-target object stores.
 */
export function localFolderUploads(deps: { engine: UploadEngine; store: SqliteStateStore; source: ByteSource; clock: Clock; log: (folderId: string, message: string) => void }): FolderUploads {
  return new FolderUploads({
    engine: deps.engine,
    folders: new SqliteFolderStore(deps.store.database),
    capabilities: deps.store,
    // The database's own folder: a folder sent that holds it never sends it.
    lister: folderListerFor(dirname(deps.store.database.name)),
    source: deps.source,
    clock: deps.clock,
    log: deps.log,
  });
}
