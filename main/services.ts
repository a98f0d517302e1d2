import { resolve } from 'node:path';
import { defaultStateDir } from './app-paths.ts';
import { platformPorts } from './platform/platform-ports.ts';
import { UploadEngine } from './engine/upload-engine.ts';
import type { EngineOptions } from './engine/upload-engine.ts';
import { DEFAULT_S3_OPTIONS } from './s3/s3-client.ts';
import { S3ObjectStore } from './s3/s3-object-store.ts';
import { ArchiveSource } from './source/archive-source.ts';
import { FileSource } from './source/file-source.ts';
import { openState } from './store/open-state.ts';
import type { FolderUploads } from './engine/folders/folder-uploads.ts';
import { localFolderUploads } from './local-folders.ts';
import type { Recovery } from './store/recover-state.ts';
import type { SqliteStateStore } from './store/sqlite-state-store.ts';

export interface ServiceOptions {
  stateDir?: string;
  engine?: Partial<EngineOptions>;
  stallTimeoutMs?: number;
  /** Become the one writer of the state directory, doing this (e.g. "hoist upload"); without it the state is only read. */
  lockFor?: string;
  /** Where a folder upload's retries and notes go (the CLI prints them). */
  folderLog?: (folderId: string, message: string) => void;
}

export interface Services {
  stateDir: string;
  store: SqliteStateStore;
  engine: UploadEngine;
  /** Folders sent as one object per file. */
  folders: FolderUploads;
  /** The state database was damaged and replaced at this start: what was read from it, to rebuild from. */
  recovery: Recovery | undefined;
  close(): void;
}

/** Wires the engine to the real adapters: SQLite state, S3 over the AWS SDK, local files, the system clock. */
export function openServices(options: ServiceOptions = {}): Services {
  const stateDir = resolve(options.stateDir ?? process.env.HOIST_STATE_DIR ?? defaultStateDir());
  const state = openState(stateDir, options.lockFor ? { lockFor: options.lockFor } : {});
  const { store } = state;
  const concurrency = options.engine?.concurrency ?? 4;
  const s3Options = {
    ...DEFAULT_S3_OPTIONS,
    maxSockets: Math.max(DEFAULT_S3_OPTIONS.maxSockets, concurrency * 2),
    ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
    // Test hook: sign as if this machine's clock were off by this much (see clockOffsetMs).
    ...(process.env.HOIST_TEST_CLOCK_OFFSET_MS ? { clockOffsetMs: Number(process.env.HOIST_TEST_CLOCK_OFFSET_MS) } : {}),
  };
  const ports = platformPorts();
  const source = new FileSource();
  const engine = new UploadEngine(
    {
      store,
      objectStoreFor: (target) => S3ObjectStore.forTarget(target, s3Options),
      source,
      archives: new ArchiveSource(),
      ...ports,
    },
    options.engine,
  );
  const folders = localFolderUploads({ engine, store, source, clock: ports.clock, log: options.folderLog ?? (() => undefined) });
  return { stateDir, store, engine, folders, recovery: state.recovery, close: () => state.close() };
}
