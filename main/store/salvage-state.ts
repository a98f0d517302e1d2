import Database from 'better-sqlite3';
import type { IfExists } from '../engine/ports/folder-store.ts';

/**
 * What could still be read of one upload from a damaged state database. Its
 * parts are not taken from there: the server's parts are verified against the
 * local file instead, so a damaged value can only cost a rebuild, never make
 * a wrong object.
 */
export interface SalvagedUpload {
  id: string | null;
  path: string;
  bucket: string;
  key: string;
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
  uploadId: string | null;
  targetId: string | null;
  /** As recorded; null when unreadable. */
  state: string | null;
  sourceKind: 'file' | 'archive';
  /** The folder (sent as one object per file) whose big file this upload sends; null for an upload of its own. */
  folderId: string | null;
}

/**
 * What could still be read of one folder sent as one object per file. Its
 * files are not taken from there: a new walk of the folder and the server's
 * listing settle every file again (an object already at a file's key with
 * the file's bytes counts as already there), so nothing of folder_files is read.
 */
export interface SalvagedFolder {
  id: string | null;
  path: string;
  bucket: string;
  /** May be empty: the files went to the top of the bucket. */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
  targetId: string | null;
  partSize: number;
  ifExists: IfExists;
  /** As recorded; null when unreadable. */
  state: string | null;
}

export interface SalvagedTarget {
  id: string;
  data: string;
  position: number;
}

export interface SalvagedSetting {
  key: string;
  value: string;
}

export interface Salvage {
  uploads: SalvagedUpload[];
  folders: SalvagedFolder[];
  targets: SalvagedTarget[];
  settings: SalvagedSetting[];
  /** What could not be read, and why (for the report). */
  problems: string[];
}

type Row = Record<string, unknown>;

/**
 * Reads what is still readable from a damaged state database: saved targets,
 * settings, where each upload was going (path, bucket, key, endpoint,
 * region, addressing, multipart upload id, target, folder) and each folder
 * sent as one object per file (path, place, part size, if-exists policy).
 * Parts and a folder's files are not read: the server's parts are verified
 * against the file, and a folder is walked and listed again. Never throws.
 *
 * A damaged page ends a table scan with SQLITE_CORRUPT at that page; the rows
 * before it are kept, the table is scanned again backwards (by rowid) for the
 * rows after it, and those between are looked up one by one (see readTable).
 * Values of the wrong type are dropped.
 */
export function salvageStateDatabase(file: string): Salvage {
  const salvage: Salvage = { uploads: [], folders: [], targets: [], settings: [], problems: [] };
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: 0 });
  } catch (error) {
    salvage.problems.push(`cannot open it: ${message(error)}`);
    return salvage;
  }
  const failed = new Map<string, string[]>();
  try {
    // A truncated file is shorter than its header says, which SQLite refuses as corrupt unless
    // writable_schema is on (then it reads the pages that are there); better-sqlite3's defensive
    // default forbids that pragma, hence unsafe mode. The connection is read-only all the same.
    db.unsafeMode(true);
    db.pragma('writable_schema = ON');
    salvage.targets = readTable(db, 'targets', toTarget, failed);
    salvage.settings = readTable(db, 'settings', toSetting, failed);
    salvage.uploads = readTable(db, 'uploads', toUpload, failed);
    // A database from before folders were sent one object per file has no such table: nothing lost, nothing to report.
    if (!schemaLacks(db, 'folders')) salvage.folders = readTable(db, 'folders', toFolder, failed);
  } finally {
    db.close();
  }
  // One line per cause: "targets, settings, uploads: file is not a database".
  for (const [cause, tables] of failed) salvage.problems.push(`${tables.join(', ')}: ${cause}`);
  return salvage;
}

/** Rows of the table; where reading failed, the table is added under the cause in `failed`. */
function readTable<T>(db: Database.Database, table: string, convert: (row: Row) => T | undefined, failed: Map<string, string[]>): T[] {
  const found = new Map<number, T>();
  const take = (row: Row): void => {
    const value = safely(() => convert(row));
    if (value !== undefined) found.set(row.hoist_rowid as number, value);
  };
  let damaged = false;
  for (const order of ['ASC', 'DESC']) {
    if (order === 'DESC' && !damaged) break;
    try {
      for (const row of db.prepare(`SELECT rowid AS hoist_rowid, * FROM "${table}" ORDER BY rowid ${order}`).iterate() as IterableIterator<Row>) take(row);
    } catch (error) {
      if (!damaged) failed.set(message(error), [...(failed.get(message(error)) ?? []), table]);
      damaged = true;
    }
  }
  // Both scans stop at the first damaged page they meet: rows on the pages between are
  // reached one at a time by rowid, each lookup failing alone where its page is gone.
  const lookup = damaged ? safely(() => db.prepare(`SELECT rowid AS hoist_rowid, * FROM "${table}" WHERE rowid = ?`)) : undefined;
  if (lookup) {
    for (const rowid of candidateRowids(db, table, [...found.keys()])) {
      if (found.has(rowid)) continue;
      const row = safely(() => lookup.get(rowid) as Row | undefined);
      if (row) take(row);
    }
  }
  return [...found.entries()].sort(([a], [b]) => a - b).map(([, value]) => value);
}

/** True only when the schema could be read and names no such table (an unreadable schema may have lost it). */
function schemaLacks(db: Database.Database, table: string): boolean {
  return safely(() => db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) === undefined) ?? false;
}

/** A gap of rowids this long with no row found is taken as the end of the table. */
const ROWID_SLACK = 1000;

/**
 * Rowids the table may hold: those its indexes list (index pages are apart from
 * the table's, so they often survive its damage) and every rowid up to past the
 * highest one seen.
 */
function candidateRowids(db: Database.Database, table: string, seen: number[]): number[] {
  const rowids = new Set(seen);
  const indexes = safely(() => db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).pluck().all(table) as string[]) ?? [];
  for (const index of indexes) {
    try {
      for (const rowid of db.prepare(`SELECT rowid FROM "${table}" INDEXED BY "${index}"`).pluck().iterate() as IterableIterator<number>) rowids.add(rowid);
    } catch {
      // A damaged index gives what it read before the damage.
    }
  }
  const highest = Math.max(0, ...rowids);
  for (let rowid = 1; rowid <= highest + ROWID_SLACK; rowid += 1) rowids.add(rowid);
  return [...rowids].sort((a, b) => a - b);
}

function toTarget(row: Row): SalvagedTarget | undefined {
  const { id, data, position } = row;
  if (!isText(id) || typeof data !== 'string') return undefined;
  return { id, data, position: typeof position === 'number' ? position : 0 };
}

function toSetting(row: Row): SalvagedSetting | undefined {
  const { key, value } = row;
  return isText(key) && typeof value === 'string' ? { key, value } : undefined;
}

function toUpload(row: Row): SalvagedUpload | undefined {
  const { path, bucket, key, region } = row;
  if (!isText(path) || !isText(bucket) || !isText(key) || !isText(region)) return undefined;
  return {
    id: isText(row.id) ? row.id : null,
    path,
    bucket,
    key,
    endpoint: isText(row.endpoint) ? row.endpoint : undefined,
    region,
    pathStyle: row.path_style === 1,
    uploadId: isText(row.upload_id) ? row.upload_id : null,
    targetId: isText(row.target_id) ? row.target_id : null,
    state: isText(row.state) ? row.state : null,
    // Older databases have no source_kind: every upload was a file then.
    sourceKind: row.source_kind === 'archive' ? 'archive' : 'file',
    // Older databases have no folder_id: no upload belonged to a folder then.
    folderId: isText(row.folder_id) ? row.folder_id : null,
  };
}

const IF_EXISTS: readonly string[] = ['skip-identical', 'overwrite', 'fail', 'ask'] satisfies IfExists[];

function toFolder(row: Row): SalvagedFolder | undefined {
  const { path, bucket, prefix, region, part_size: partSize, if_exists: ifExists } = row;
  // The part size decides the multipart ETag a big file's object is recognised by, and the if-exists
  // policy what may be overwritten: a folder without them readable is not guessed at.
  if (!isText(path) || !isText(bucket) || typeof prefix !== 'string' || !isText(region)) return undefined;
  if (typeof partSize !== 'number' || !Number.isSafeInteger(partSize) || partSize <= 0) return undefined;
  if (typeof ifExists !== 'string' || !IF_EXISTS.includes(ifExists)) return undefined;
  return {
    id: isText(row.id) ? row.id : null,
    path,
    bucket,
    prefix,
    endpoint: isText(row.endpoint) ? row.endpoint : undefined,
    region,
    pathStyle: row.path_style === 1,
    targetId: isText(row.target_id) ? row.target_id : null,
    partSize,
    ifExists: ifExists as IfExists,
    state: isText(row.state) ? row.state : null,
  };
}

function isText(value: unknown): value is string {
  // Hoist never records a NUL; one in a value means the bytes were never written
  // (a file cut inside a page reads as zeros there), so the value is lost, not read.
  return typeof value === 'string' && value.length > 0 && !value.includes('\u0000');
}

/** A row whose values are damaged (a string that is not UTF-8, say) is dropped, not the scan. */
function safely<T>(work: () => T): T | undefined {
  try {
    return work();
  } catch {
    return undefined;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
