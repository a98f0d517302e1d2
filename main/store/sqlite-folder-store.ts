import type Database from 'better-sqlite3';
import type {
  FolderFileRecord,
  FolderFileState,
  FolderFileUpdate,
  FolderRecord,
  FolderState,
  FolderStore,
  FolderTotals,
  IfExists,
  NewFolder,
  NewFolderFile,
} from '../engine/ports/folder-store.ts';
import { guardedWrite } from './write-guard.ts';

interface FolderRow {
  id: string;
  path: string;
  endpoint: string | null;
  region: string;
  path_style: number;
  bucket: string;
  prefix: string;
  target_id: string | null;
  part_size: number;
  if_exists: IfExists;
  state: FolderState;
  started_at: number;
  walked_at: number | null;
  completed_at: number | null;
  updated_at: number;
  last_error: string | null;
}

interface FileRow {
  folder_id: string;
  rel_path: string;
  size: number;
  mtime_ns: string;
  file_id: string;
  state: FolderFileState;
  md5: string | null;
  etag: string | null;
  upload_record_id: string | null;
  message: string | null;
  agreed_etag: string | null;
}

const FILE_STATES: readonly FolderFileState[] = ['pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem', 'differs', 'kept'];

const toFolder = (r: FolderRow): FolderRecord => ({
  id: r.id,
  path: r.path,
  endpoint: r.endpoint ?? undefined,
  region: r.region,
  pathStyle: r.path_style === 1,
  bucket: r.bucket,
  prefix: r.prefix,
  targetId: r.target_id,
  partSize: r.part_size,
  ifExists: r.if_exists,
  state: r.state,
  startedAt: r.started_at,
  walkedAt: r.walked_at,
  completedAt: r.completed_at,
  updatedAt: r.updated_at,
  lastError: r.last_error,
});

const toFile = (r: FileRow): FolderFileRecord => ({
  folderId: r.folder_id,
  relPath: r.rel_path,
  size: r.size,
  mtimeNs: r.mtime_ns,
  fileId: r.file_id,
  state: r.state,
  md5: r.md5,
  etag: r.etag,
  agreedEtag: r.agreed_etag,
  uploadRecordId: r.upload_record_id,
  message: r.message,
});

/**
 * Folders and their files in the state database, behind the engine's
 * FolderStore port; it shares the state store's connection (one file, one
 * writer). Batches are one transaction each: a synced commit per batch of
 * files, not per file.
 */
export class SqliteFolderStore implements FolderStore {
  private readonly s;

  constructor(private readonly db: Database.Database) {
    this.s = {
      insertFolder: db.prepare(
        `INSERT INTO folders (id, path, endpoint, region, path_style, bucket, prefix, target_id, part_size, if_exists, state, started_at, updated_at)
         VALUES (@id, @path, @endpoint, @region, @path_style, @bucket, @prefix, @target_id, @part_size, @if_exists, 'walking', @started_at, @started_at)`,
      ),
      getFolder: db.prepare<[string], FolderRow>('SELECT * FROM folders WHERE id = ?'),
      listFolders: db.prepare<[], FolderRow>('SELECT * FROM folders ORDER BY started_at, id'),
      findUnfinished: db.prepare<[string, string, string, string | null], FolderRow>(
        `SELECT * FROM folders WHERE path = ? AND bucket = ? AND prefix = ? AND endpoint IS ? AND state NOT IN ('completed', 'cancelled') ORDER BY started_at DESC LIMIT 1`,
      ),
      setState: db.prepare<[{ id: string; state: FolderState; last_error: string | null; now: number }]>(
        `UPDATE folders SET state = @state, last_error = @last_error, updated_at = @now,
           completed_at = CASE WHEN @state = 'completed' THEN @now ELSE completed_at END WHERE id = @id`,
      ),
      walked: db.prepare<[number, number, string]>('UPDATE folders SET walked_at = ?, updated_at = ? WHERE id = ?'),
      insertFile: db.prepare(
        `INSERT OR IGNORE INTO folder_files (folder_id, rel_path, size, mtime_ns, file_id, state, message) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ),
      getFile: db.prepare<[string, string], FileRow>('SELECT * FROM folder_files WHERE folder_id = ? AND rel_path = ?'),
      // The paths as one JSON array: any number of them in one statement, each found through the primary key.
      getFiles: db.prepare<[string, string], FileRow>('SELECT * FROM folder_files WHERE folder_id = ? AND rel_path IN (SELECT value FROM json_each(?))'),
      updateFile: db.prepare(
        `UPDATE folder_files SET state = @state, md5 = COALESCE(@md5, md5), etag = COALESCE(@etag, etag),
           upload_record_id = COALESCE(@upload_record_id, upload_record_id), message = @message,
           agreed_etag = CASE WHEN @set_agreed = 1 THEN @agreed_etag WHEN @state IN ('done', 'there', 'kept') THEN NULL ELSE agreed_etag END,
           size = COALESCE(@size, size), mtime_ns = COALESCE(@mtime_ns, mtime_ns), file_id = COALESCE(@file_id, file_id)
         WHERE folder_id = @folder_id AND rel_path = @rel_path`,
      ),
      totals: db.prepare<[string], { state: FolderFileState; files: number; bytes: number }>(
        'SELECT state, COUNT(*) AS files, COALESCE(SUM(size), 0) AS bytes FROM folder_files WHERE folder_id = ? GROUP BY state',
      ),
      deleteFolder: db.prepare<[string]>('DELETE FROM folders WHERE id = ?'),
    };
  }

  createFolder(folder: NewFolder): FolderRecord {
    guardedWrite(this.db, () =>
      this.s.insertFolder.run({
        id: folder.id,
        path: folder.path,
        endpoint: folder.endpoint ?? null,
        region: folder.region,
        path_style: folder.pathStyle ? 1 : 0,
        bucket: folder.bucket,
        prefix: folder.prefix,
        target_id: folder.targetId,
        part_size: folder.partSize,
        if_exists: folder.ifExists,
        started_at: folder.startedAt,
      }),
    );
    return this.require(folder.id);
  }

  getFolder(id: string): FolderRecord | undefined {
    const row = this.s.getFolder.get(id);
    return row ? toFolder(row) : undefined;
  }

  listFolders(): FolderRecord[] {
    return this.s.listFolders.all().map(toFolder);
  }

  findUnfinishedFolder(path: string, bucket: string, prefix: string, endpoint: string | undefined): FolderRecord | undefined {
    const row = this.s.findUnfinished.get(path, bucket, prefix, endpoint ?? null);
    return row ? toFolder(row) : undefined;
  }

  setFolderState(id: string, state: FolderState, lastError: string | null = null): void {
    const now = Date.now();
    guardedWrite(this.db, () => expectOne(this.s.setState.run({ id, state, last_error: lastError, now }), id));
  }

  markFolderWalked(id: string): void {
    const now = Date.now();
    guardedWrite(this.db, () => expectOne(this.s.walked.run(now, now, id), id));
  }

  addFolderFiles(id: string, files: readonly NewFolderFile[]): number {
    return guardedWrite(this.db, () =>
      this.db.transaction(() => {
        let added = 0;
        for (const file of files) added += this.s.insertFile.run(id, file.relPath, file.size, file.mtimeNs, file.fileId, file.state, file.message ?? null).changes;
        return added;
      })(),
    );
  }

  getFolderFile(id: string, relPath: string): FolderFileRecord | undefined {
    const row = this.s.getFile.get(id, relPath);
    return row ? toFile(row) : undefined;
  }

  getFolderFiles(id: string, relPaths: readonly string[]): Map<string, FolderFileRecord> {
    const found = new Map<string, FolderFileRecord>();
    if (relPaths.length === 0) return found;
    for (const row of this.s.getFiles.iterate(id, JSON.stringify(relPaths))) found.set(row.rel_path, toFile(row));
    return found;
  }

  listFolderFiles(id: string, states: readonly FolderFileState[], after: string | null, limit: number): FolderFileRecord[] {
    const wanted = states.filter((state) => FILE_STATES.includes(state));
    if (wanted.length === 0) return [];
    const marks = wanted.map(() => '?').join(', ');
    // Ordered by path, paged by the last path seen: each page is an index range, however far into the folder.
    const sql = `SELECT * FROM folder_files WHERE folder_id = ? AND state IN (${marks}) ${after === null ? '' : 'AND rel_path > ?'} ORDER BY rel_path LIMIT ?`;
    const params: unknown[] = [id, ...wanted, ...(after === null ? [] : [after]), limit];
    return (this.db.prepare(sql).all(...params) as FileRow[]).map(toFile);
  }

  updateFolderFiles(id: string, updates: readonly FolderFileUpdate[]): void {
    if (updates.length === 0) return;
    guardedWrite(this.db, () =>
      this.db.transaction(() => {
        for (const update of updates) {
          const result = this.s.updateFile.run({
            folder_id: id,
            rel_path: update.relPath,
            state: update.state,
            md5: update.md5 ?? null,
            etag: update.etag ?? null,
            set_agreed: update.agreedEtag === undefined ? 0 : 1,
            agreed_etag: update.agreedEtag ?? null,
            upload_record_id: update.uploadRecordId ?? null,
            message: update.message ?? null,
            size: update.size ?? null,
            mtime_ns: update.mtimeNs ?? null,
            file_id: update.fileId ?? null,
          });
          expectOne(result, `${id}: ${update.relPath}`);
        }
      })(),
    );
  }

  resetFolderFiles(id: string, from: readonly FolderFileState[], to: FolderFileState): number {
    const wanted = from.filter((state) => FILE_STATES.includes(state));
    if (wanted.length === 0) return 0;
    const sql = `UPDATE folder_files SET state = ?, message = NULL WHERE folder_id = ? AND state IN (${wanted.map(() => '?').join(', ')})`;
    return guardedWrite(this.db, () => this.db.prepare(sql).run(to, id, ...wanted).changes);
  }

  folderTotals(id: string): FolderTotals {
    const totals = Object.fromEntries(FILE_STATES.map((state) => [state, { files: 0, bytes: 0 }])) as FolderTotals;
    for (const row of this.s.totals.all(id)) totals[row.state] = { files: row.files, bytes: row.bytes };
    return totals;
  }

  deleteFolder(id: string): void {
    guardedWrite(this.db, () => this.s.deleteFolder.run(id));
  }

  private require(id: string): FolderRecord {
    const folder = this.getFolder(id);
    if (!folder) throw new Error(`Folder ${id} is not in the state database.`);
    return folder;
  }
}

/** A write naming a folder or file that does not exist must not pass silently. */
function expectOne(result: Database.RunResult, what: string): void {
  if (result.changes !== 1) throw new Error(`${what} is not in the state database.`);
}
