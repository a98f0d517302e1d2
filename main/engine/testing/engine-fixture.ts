import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect } from 'vitest';
import { FileSource } from '../../source/file-source.ts';
import { SqliteStateStore } from '../../store/sqlite-state-store.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { ObjectStoreFactory } from '../ports/object-store.ts';
import type { TargetConfig } from '../ports/records.ts';
import { threadHasher } from '../../platform/part-hasher-thread.ts';
import { systemClock } from '../../platform/system-clock.ts';
import { UploadEngine } from '../upload-engine.ts';
import type { EngineOptions } from '../upload-engine.ts';
import { MemoryObjectStore, RGW_LIKE } from './memory-object-store.ts';

/**
 * The engine with everything real except the network, for the engine's test
 * files: the SQLite state store (in memory), real temp files through
 * FileSource, and the in-memory S3. Hooks are registered by the call.
 */

export const MiB = 1024 * 1024;
export const LOCATION = { bucket: 'bucket', key: 'backups/file.bin' };
export const TARGET: TargetConfig = { endpoint: 'http://s3.fake.test', region: 'us-east-1', pathStyle: true };
/** Three parts at 5 MiB: 5 + 5 + a shorter last one. */
export const FILE_SIZE = 13 * MiB + 12_345;

export const BASE_OPTIONS: Partial<EngineOptions> = {
  concurrency: 2,
  defaultPartSize: 5 * MiB,
  retryPolicy: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 2 },
  progressIntervalMs: 10,
};

export interface EngineFixture {
  readonly dir: string;
  readonly store: SqliteStateStore;
  readonly s3: MemoryObjectStore;
  newEngine(
    options?: Partial<EngineOptions>,
    deps?: { clock?: Clock; objectStoreFor?: ObjectStoreFactory; source?: ByteSource; archives?: ByteSource },
  ): UploadEngine;
  writeSource(size?: number, name?: string): { path: string; content: Buffer };
  addUpload(engine: UploadEngine, path: string, extra?: { targetId?: string; key?: string }): Promise<string>;
  expectObjectEquals(content: Buffer, key?: string): void;
  /** The target has never been probed: the next upload probes it. */
  forgetCapabilities(): void;
  /** Runs the upload until part `partNumber` is on the wire, then pauses it (with concurrency 1: the parts before it are done). */
  pauseAtPart(engine: UploadEngine, id: string, partNumber: number): Promise<void>;
}

export function useEngineFixture(): EngineFixture {
  let dir = '';
  let store: SqliteStateStore | undefined;
  let s3: MemoryObjectStore | undefined;
  let engines: UploadEngine[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-engine-'));
    store = new SqliteStateStore(new Database(':memory:'));
    s3 = new MemoryObjectStore();
    // The target was probed already (as RGW answers): tests that count requests count the upload's own.
    // Tests of probing clear this with forgetCapabilities().
    store.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...RGW_LIKE, probedAt: 1 });
    engines = [];
  });

  afterEach(async () => {
    for (const engine of engines) await engine.shutdown();
    store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fixture: EngineFixture = {
    get dir() {
      return dir;
    },
    get store() {
      return store as SqliteStateStore;
    },
    get s3() {
      return s3 as MemoryObjectStore;
    },
    newEngine(options = {}, deps = {}) {
      const engine = new UploadEngine(
        {
          store: fixture.store,
          objectStoreFor: deps.objectStoreFor ?? (() => fixture.s3),
          source: deps.source ?? new FileSource(),
          ...(deps.archives ? { archives: deps.archives } : {}),
          clock: deps.clock ?? systemClock,
          hasher: threadHasher,
        },
        { ...BASE_OPTIONS, ...options },
      );
      engines.push(engine);
      return engine;
    },
    writeSource(size = FILE_SIZE, name = 'file.bin') {
      const path = join(dir, name);
      const content = randomBytes(size);
      writeFileSync(path, content);
      return { path, content };
    },
    async addUpload(engine, path, extra = {}) {
      const location = { ...LOCATION, ...(extra.key ? { key: extra.key } : {}) };
      const { record } = await engine.addUpload({ path, location, target: TARGET, ...(extra.targetId ? { targetId: extra.targetId } : {}) });
      return record.id;
    },
    async pauseAtPart(engine, id, partNumber) {
      const held = fixture.s3.holdUploadPart(partNumber);
      const running = engine.run(id);
      await held.reached;
      await engine.pause(id);
      await running;
    },
    forgetCapabilities() {
      fixture.store.database.prepare('DELETE FROM target_capabilities').run();
    },
    expectObjectEquals(content, key = LOCATION.key) {
      const object = fixture.s3.getObject({ bucket: LOCATION.bucket, key });
      expect(object, 'object exists').toBeDefined();
      expect(object?.body.length).toBe(content.length);
      // Buffer.equals, not toEqual: a diff of megabytes is useless and slow.
      expect(object?.body.equals(content)).toBe(true);
    },
  };
  return fixture;
}
