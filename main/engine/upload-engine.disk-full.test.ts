import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileSource } from '../source/file-source.ts';
import { SqliteStateStore } from '../store/sqlite-state-store.ts';
import { StateStoreFullError } from './errors.ts';
import { systemClock } from '../platform/system-clock.ts';
import { BASE_OPTIONS, FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';
import { RGW_LIKE } from './testing/memory-object-store.ts';
import { UploadEngine } from './upload-engine.ts';

// The disk holding the state database fills up. With WAL every commit appends
// to the log, so on a real full disk every write fails, however small. Here
// each write to the state tables also inserts a blob bigger than a page, and
// "the disk is full" is PRAGMA max_page_count at the current size: from then
// on every write fails with SQLITE_FULL, as on a full disk, and SQLite rolls
// it back.

const fixture = useEngineFixture();
const PART = 5 * MiB;
const FULL_MESSAGE = /^the disk holding the state database \(.*state\.sqlite3\) is full: free some space, then resume; nothing was recorded wrongly$/;

/** Makes every write to the state tables need new pages, and the disk fillable on demand. */
function fillable(db: Database.Database): { fill(): void; spaceBack(): void } {
  db.exec('CREATE TABLE filler (bytes BLOB NOT NULL)');
  for (const table of ['uploads', 'parts', 'events', 'target_capabilities']) {
    for (const when of ['INSERT', 'UPDATE', 'DELETE']) {
      db.exec(`CREATE TRIGGER fill_${table}_${when.toLowerCase()} AFTER ${when} ON ${table} BEGIN INSERT INTO filler VALUES (zeroblob(8192)); END`);
    }
  }
  return {
    fill() {
      db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`);
      // Free pages (from deleted rows) would take a few more writes: use them up.
      try {
        for (;;) db.prepare('INSERT INTO filler VALUES (zeroblob(512))').run();
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_FULL') throw error;
      }
    },
    spaceBack() {
      db.pragma('max_page_count = 1073741823');
      db.exec('DELETE FROM filler');
    },
  };
}

/** Fills the disk right after a chosen write succeeded. */
class FillingStore extends SqliteStateStore {
  afterPartDone: ((partNumber: number) => void) | undefined;
  override markPartDone(id: string, partNumber: number, etag: string, md5?: string, checksum?: string | null): void {
    super.markPartDone(id, partNumber, etag, md5, checksum);
    this.afterPartDone?.(partNumber);
  }
}

describe('the disk holding the state database fills up', () => {
  let store: FillingStore;
  let disk: ReturnType<typeof fillable>;
  let engines: UploadEngine[] = [];

  beforeEach(() => {
    store = new FillingStore(SqliteStateStore.open(join(fixture.dir, 'state.sqlite3')).database);
    store.saveCapabilities(TARGET.endpoint, LOCATION.bucket, { ...RGW_LIKE, probedAt: 1 });
    disk = fillable(store.database);
    engines = [];
  });

  afterEach(async () => {
    for (const engine of engines) await engine.shutdown();
    store.close();
  });

  function newEngine(): UploadEngine {
    const engine = new UploadEngine({ store, objectStoreFor: () => fixture.s3, source: new FileSource(), clock: systemClock }, { ...BASE_OPTIONS, concurrency: 1 });
    engines.push(engine);
    return engine;
  }

  async function addUpload(engine: UploadEngine): Promise<{ id: string; content: Buffer }> {
    const { path, content } = fixture.writeSource();
    const { record } = await engine.addUpload({ path, location: LOCATION, target: TARGET });
    return { id: record.id, content };
  }

  const partStates = (id: string) => store.listParts(id).map((part) => ({ state: part.state, md5: part.md5 !== null, etag: part.etag !== null }));
  const sentParts = () => fixture.s3.callsOf('uploadPart').map((call) => call.partNumber);

  it('while a part is on the wire: the upload stops with the message, the part is not recorded done, resume adopts it', async () => {
    const engine = newEngine();
    const { id, content } = await addUpload(engine);
    const gate = fixture.s3.holdUploadPart(2);
    const running = engine.run(id);
    await gate.reached;
    disk.fill();
    gate.release();
    const result = await running;
    expect(result).toMatchObject({ outcome: 'failed', waitingForSpace: true });
    expect(result.error).toMatch(FULL_MESSAGE);
    // The server has part 2, the record never said it was done: what it said before stands.
    expect(partStates(id)).toEqual([
      { state: 'done', md5: true, etag: true },
      { state: 'uploading', md5: true, etag: false },
      { state: 'pending', md5: false, etag: false },
    ]);
    expect(sentParts()).toEqual([1, 2]);
    expect(store.database.pragma('integrity_check', { simple: true })).toBe('ok');

    disk.spaceBack();
    const resumed = await newEngine().run(id);
    // Part 2's ETag is the MD5 recorded before it was sent: adopted, not sent again.
    expect(resumed).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: FILE_SIZE - 2 * PART });
    expect(sentParts()).toEqual([1, 2, 3]);
    fixture.expectObjectEquals(content);
  });

  it('between two parts: the next part is never sent, because its record comes first', async () => {
    const engine = newEngine();
    const { id, content } = await addUpload(engine);
    store.afterPartDone = (partNumber) => {
      if (partNumber === 1) disk.fill();
    };
    const result = await engine.run(id);
    expect(result.error).toMatch(FULL_MESSAGE);
    expect(sentParts()).toEqual([1]);
    expect(partStates(id)).toEqual([
      { state: 'done', md5: true, etag: true },
      { state: 'pending', md5: false, etag: false },
      { state: 'pending', md5: false, etag: false },
    ]);

    store.afterPartDone = undefined;
    disk.spaceBack();
    expect(await newEngine().run(id)).toMatchObject({ outcome: 'completed', partsSkipped: 1, bytesSent: FILE_SIZE - PART });
    fixture.expectObjectEquals(content);
  });

  it('already full when the run starts: nothing reaches the server, the state is as before; then it completes', async () => {
    const engine = newEngine();
    const { id, content } = await addUpload(engine);
    const before = store.getUpload(id);
    const callsBefore = fixture.s3.calls.length;
    disk.fill();
    const result = await engine.run(id);
    expect(result).toMatchObject({ outcome: 'failed', bytesSent: 0 });
    expect(result.error).toMatch(FULL_MESSAGE);
    expect(fixture.s3.calls.slice(callsBefore)).toEqual([]);
    expect(store.getUpload(id)).toEqual(before);

    disk.spaceBack();
    expect(await newEngine().run(id)).toMatchObject({ outcome: 'completed', bytesSent: FILE_SIZE });
    fixture.expectObjectEquals(content);
  });

  it('a new upload is refused with the message, and nothing of it is recorded', async () => {
    const engine = newEngine();
    disk.fill();
    const { path } = fixture.writeSource();
    await expect(engine.addUpload({ path, location: LOCATION, target: TARGET })).rejects.toThrow(StateStoreFullError);
    await expect(engine.addUpload({ path, location: LOCATION, target: TARGET })).rejects.toThrow(FULL_MESSAGE);
    expect(store.listUploads()).toEqual([]);
    expect(fixture.s3.calls.filter((call) => call.op !== 'listMultipartUploads')).toEqual([]);
  });

  it('pruning old uploads at start waits for space instead of failing the start', async () => {
    const engine = newEngine();
    disk.fill();
    expect(engine.pruneHistory()).toBe(0);
  });
});
