import { join, resolve } from 'node:path';
import { defaultStateDir, STATE_DATABASE_FILE } from './app-paths.ts';
import { systemClock } from './engine/system-clock.ts';
import { UploadEngine } from './engine/upload-engine.ts';
import type { EngineOptions } from './engine/upload-engine.ts';
import { S3ObjectStore, DEFAULT_S3_OPTIONS } from './s3/s3-object-store.ts';
import { ArchiveSource } from './source/archive-source.ts';
import { FileSource } from './source/file-source.ts';
import { SqliteStateStore } from './store/sqlite-state-store.ts';

export interface ServiceOptions {
  stateDir?: string;
  engine?: Partial<EngineOptions>;
  stallTimeoutMs?: number;
}

export interface Services {
  stateDir: string;
  store: SqliteStateStore;
  engine: UploadEngine;
  close(): void;
}

/** Wires the engine to the real adapters: SQLite state, S3 over the AWS SDK, local files, the system clock. */
export function openServices(options: ServiceOptions = {}): Services {
  const stateDir = resolve(options.stateDir ?? process.env.HOIST_STATE_DIR ?? defaultStateDir());
  const store = SqliteStateStore.open(join(stateDir, STATE_DATABASE_FILE));
  const concurrency = options.engine?.concurrency ?? 4;
  const s3Options = {
    ...DEFAULT_S3_OPTIONS,
    maxSockets: Math.max(DEFAULT_S3_OPTIONS.maxSockets, concurrency * 2),
    ...(options.stallTimeoutMs ? { stallTimeoutMs: options.stallTimeoutMs } : {}),
  };
  const engine = new UploadEngine(
    {
      store,
      objectStoreFor: (target) => S3ObjectStore.forTarget(target, s3Options),
      source: new FileSource(),
      archives: new ArchiveSource(),
      clock: systemClock,
    },
    options.engine,
  );
  return { stateDir, store, engine, close: () => store.close() };
}
