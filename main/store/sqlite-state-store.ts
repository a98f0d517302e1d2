import type Database from 'better-sqlite3';
import type { ChecksumAlgorithm, KeyObject, KeyState, NewUpload, ObjectLocation, PartRecord, PlannedReuse, SourceFacts, TargetCapabilities, TargetConfig, UploadEvent, UploadRecord, UploadState } from '../engine/ports/records.ts';
import type { StateStore } from '../engine/ports/state-store.ts';
import { migrate } from './migrate.ts';
import { guardedWrite } from './write-guard.ts';
import { openStateDatabase } from './open-database.ts';
import { serializeKeyState, toPart, toUpload } from './rows.ts';
import type { SourceUpdate } from './rows.ts';
import { prepareStatements, type Statements } from './statements.ts';

/**
 * The state database, behind the engine's StateStore port. Every write is a
 * single autocommit statement or one transaction, so it is on disk (see
 * synchronous = FULL in open-database.ts) when the method returns.
 *
 * Writes naming an upload or part that does not exist throw: a silent no-op
 * would let the engine believe something was recorded that was not. A write
 * that fails because the disk is full throws StateStoreFullError (see write()).
 */
export class SqliteStateStore implements StateStore {
  static open(file: string): SqliteStateStore {
    return new SqliteStateStore(openStateDatabase(file));
  }

  private readonly db: Database.Database;
  private readonly s: Statements;

  /** Takes an open database (e.g. `new Database(':memory:')` in tests); migrates it if needed. */
  constructor(db: Database.Database) {
    this.db = db;
    // The cascade from uploads to parts and events depends on this.
    db.pragma('foreign_keys = ON');
    migrate(db);
    this.s = prepareStatements(db);
  }

  /** The connection, so the app's config store (same file) shares it rather than opening a second one. */
  get database(): Database.Database {
    return this.db;
  }

  createUpload(upload: NewUpload, parts: ReadonlyArray<{ partNumber: number; offset: number; size: number }>): UploadRecord {
    const now = Date.now();
    this.write(() => this.db.transaction(() => {
      this.s.insertUpload.run({
        id: upload.id,
        endpoint: upload.endpoint ?? null,
        region: upload.region,
        path_style: upload.pathStyle ? 1 : 0,
        bucket: upload.bucket,
        key: upload.key,
        path: upload.path,
        size: upload.size,
        part_size: upload.partSize,
        single_put: upload.singlePut ? 1 : 0,
        mtime_ns: upload.mtimeNs,
        file_id: upload.fileId,
        fingerprint: upload.fingerprint,
        started_at: upload.startedAt,
        now,
        state: upload.state,
        target_id: upload.targetId ?? null,
        source_kind: upload.sourceKind ?? 'file',
        source_snapshot: upload.snapshot ?? null,
        folder_id: upload.folderId ?? null,
      });
      for (const part of parts) this.s.insertPart.run(upload.id, part.partNumber, part.offset, part.size, now);
      const how = upload.singlePut ? 'a single PutObject' : `${parts.length} parts of up to ${upload.partSize} bytes`;
      this.s.insertEvent.run(upload.id, now, 'created', `${upload.size} bytes as ${how}`);
    })());
    return this.requireUpload(upload.id);
  }

  getUpload(id: string): UploadRecord | undefined {
    const row = this.s.getUpload.get(id);
    return row && toUpload(row);
  }

  listUploads(): UploadRecord[] {
    return this.s.listUploads.all().map(toUpload);
  }

  listUnfinished(): UploadRecord[] {
    return this.s.listUnfinished.all().map(toUpload);
  }

  findUnfinished(path: string, location: ObjectLocation, endpoint: string | undefined): UploadRecord | undefined {
    const row = this.s.findUnfinished.get(path, location.bucket, location.key, endpoint ?? null);
    return row && toUpload(row);
  }

  listParts(id: string): PartRecord[] {
    return this.s.listParts.all(id).map(toPart);
  }

  setUploadId(id: string, uploadId: string | null, checksumAlgorithm: ChecksumAlgorithm | null = null, expiresAt?: number | null): void {
    this.write(() =>
      this.db.transaction(() => {
        const now = Date.now();
        expectChange(this.s.setUploadId.run(uploadId, checksumAlgorithm, now, id), `upload ${id}`);
        if (expiresAt !== undefined) this.s.setExpiresAt.run(expiresAt, now, id);
      })(),
    );
  }

  setState(id: string, state: UploadState, lastError?: string | null): void {
    const result = this.write(() =>
      lastError === undefined
        ? this.s.setState.run(state, state, Date.now(), id)
        : this.s.setStateAndError.run(state, state, lastError, Date.now(), id),
    );
    expectChange(result, `upload ${id}`);
  }

  markPartStarted(id: string, partNumber: number, md5: string, checksum: string | null): void {
    this.writePart(id, partNumber, (now) => this.s.partStarted.run(md5, checksum, now, id, partNumber));
  }

  markPartDone(id: string, partNumber: number, etag: string, md5?: string, checksum?: string | null): void {
    this.writePart(id, partNumber, (now) => this.s.partDone.run(etag, md5 ?? null, checksum ?? null, now, id, partNumber));
  }

  markPartPending(id: string, partNumber: number): void {
    this.writePart(id, partNumber, (now) => this.s.partPending.run(now, id, partNumber));
  }

  restartUpload(id: string, newUploadId: string | null, checksumAlgorithm: ChecksumAlgorithm | null = null): void {
    this.write(() => this.db.transaction(() => {
      const now = Date.now();
      expectChange(this.s.restartUpload.run(newUploadId, checksumAlgorithm, now, id), `upload ${id}`);
      this.s.resetParts.run(now, id);
    })());
  }

  markCompleted(id: string, etag: string | null, note?: string): void {
    this.write(() =>
      this.db.transaction(() => {
        const now = Date.now();
        expectChange(this.s.markCompleted.run(etag, now, now, id), `upload ${id}`);
        if (note !== undefined) this.s.insertEvent.run(id, now, 'completed', note);
      })(),
    );
  }

  setConflict(id: string, conflict: string | null): void {
    expectChange(this.write(() => this.s.setConflict.run(conflict, Date.now(), id)), `upload ${id}`);
  }

  setExpiresAt(id: string, expiresAt: number | null): void {
    expectChange(this.write(() => this.s.setExpiresAt.run(expiresAt, Date.now(), id)), `upload ${id}`);
  }

  setKeyAtStart(id: string, state: KeyState): void {
    expectChange(this.write(() => this.s.setKeyAtStart.run(serializeKeyState(state), Date.now(), id)), `upload ${id}`);
  }

  setForeignObject(id: string, object: KeyObject): void {
    expectChange(this.write(() => this.s.setForeignObject.run(serializeKeyState(object), Date.now(), id)), `upload ${id}`);
  }

  acceptForeignObject(id: string): boolean {
    return this.write(() => this.s.acceptForeignObject.run(Date.now(), id)).changes > 0;
  }

  moveUnsent(id: string, place: TargetConfig & { bucket: string }): boolean {
    const { changes } = this.write(() => this.s.moveUnsent.run(place.endpoint ?? null, place.region, place.pathStyle ? 1 : 0, place.bucket, Date.now(), id));
    return changes > 0;
  }

  setSourceMissing(id: string, missing: boolean): void {
    expectChange(this.write(() => this.s.setSourceMissing.run(missing ? 1 : 0, Date.now(), id)), `upload ${id}`);
  }

  getCapabilities(endpoint: string | undefined, bucket: string): TargetCapabilities | undefined {
    const row = this.s.getCapabilities.get(endpoint ?? '', bucket);
    return row ? parseCapabilities(row.data, row.probed_at) : undefined;
  }

  saveCapabilities(endpoint: string | undefined, bucket: string, capabilities: TargetCapabilities): void {
    const { probedAt, ...found } = capabilities;
    this.write(() => this.s.saveCapabilities.run(endpoint ?? '', bucket, JSON.stringify(found), probedAt));
  }

  replaceSource(id: string, source: SourceFacts, parts: ReadonlyArray<{ partNumber: number; offset: number; size: number }>): void {
    this.write(() => this.db.transaction(() => {
      const now = Date.now();
      expectChange(this.s.replaceSource.run(sourceUpdate(id, source, now)), `upload ${id}`);
      this.s.deleteParts.run(id);
      for (const part of parts) this.s.insertPart.run(id, part.partNumber, part.offset, part.size, now);
    })());
  }

  reuseSource(id: string, source: SourceFacts, parts: ReadonlyArray<PlannedReuse>): void {
    this.write(() => this.db.transaction(() => {
      const now = Date.now();
      expectChange(this.s.reuseSource.run(sourceUpdate(id, source, now)), `upload ${id}`);
      this.s.deleteParts.run(id);
      for (const part of parts) {
        if (part.kept) {
          this.s.insertKeptPart.run(id, part.partNumber, part.offset, part.size, part.kept.etag, part.kept.md5, part.kept.checksum, now);
        } else {
          this.s.insertPart.run(id, part.partNumber, part.offset, part.size, now);
        }
      }
    })());
  }

  deleteUpload(id: string): void {
    this.write(() => this.s.deleteUpload.run(id));
  }

  recordEvent(event: Omit<UploadEvent, 'at'> & { at?: number }): void {
    this.write(() => this.s.insertEvent.run(event.uploadRecordId, event.at ?? Date.now(), event.kind, event.message));
  }

  listEvents(id: string): UploadEvent[] {
    return this.s.listEvents
      .all(id)
      .map((r) => ({ uploadRecordId: r.upload_record_id, at: r.at, kind: r.kind, message: r.message }));
  }

  pruneFinished(finishedBefore: number): string[] {
    return this.write(() => this.s.prune.all(finishedBefore)).map((row) => row.id);
  }

  close(): void {
    this.db.close();
  }

  /** A part write and the upload's updated_at, committed together. */
  private writePart(id: string, partNumber: number, write: (now: number) => Database.RunResult): void {
    this.write(() => this.db.transaction(() => {
      const now = Date.now();
      expectChange(write(now), `part ${partNumber} of upload ${id}`);
      this.s.touchUpload.run(now, id);
    })());
  }

  private write<T>(work: () => T): T {
    return guardedWrite(this.db, work);
  }

  private requireUpload(id: string): UploadRecord {
    const upload = this.getUpload(id);
    if (!upload) throw new Error(`Upload ${id} is not in the state database.`);
    return upload;
  }
}

function sourceUpdate(id: string, source: SourceFacts, now: number): SourceUpdate {
  return {
    id,
    size: source.size,
    mtime_ns: source.mtimeNs,
    file_id: source.fileId,
    fingerprint: source.fingerprint,
    part_size: source.partSize,
    single_put: source.singlePut ? 1 : 0,
    source_snapshot: source.snapshot,
    now,
  };
}

const SUPPORT = new Set(['verified', 'ignored', 'rejected']);

/** A stored probe result; anything unreadable counts as never probed, so the target is probed again. */
function parseCapabilities(data: string, probedAt: number): TargetCapabilities | undefined {
  try {
    const found = JSON.parse(data) as Partial<TargetCapabilities>;
    if (!SUPPORT.has(found.contentMd5 as string) || !SUPPORT.has(found.checksumSha256 as string)) return undefined;
    if (typeof found.returnsChecksums !== 'boolean' || typeof found.etagIsMd5 !== 'boolean') return undefined;
    return { contentMd5: found.contentMd5!, checksumSha256: found.checksumSha256!, returnsChecksums: found.returnsChecksums, etagIsMd5: found.etagIsMd5, probedAt };
  } catch {
    return undefined;
  }
}

function expectChange(result: Database.RunResult, what: string): void {
  if (result.changes === 0) throw new Error(`Cannot update ${what}: it is not in the state database.`);
}
