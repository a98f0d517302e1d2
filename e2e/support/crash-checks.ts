// What every crash run must end with, measured rather than only asserted, so
// the same numbers feed the assertions and the figures of the reliability
// report (crash-figures.ts).
import { DeleteObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { integrityCheck } from './cli-runner.ts';
import { fileDigest } from './files.ts';
import { objectDigest } from './s3-helpers.ts';

export interface ExpectedObject {
  key: string;
  file: string;
}

export interface EndState {
  expected: number;
  /** Objects whose size and SHA-256 equal their file's. */
  identical: number;
  /** Expected keys with no object. */
  missingKeys: string[];
  /** Keys under the prefix nobody asked for: a second copy, an interim object left over. */
  unexpectedKeys: string[];
  /** Unfinished multipart uploads under the prefix. */
  leftoverUploads: Array<{ key: string; uploadId: string }>;
  /** PRAGMA integrity_check of the state database. */
  integrity: string;
}

export async function endState(client: S3Client, bucket: string, prefix: string, expected: readonly ExpectedObject[], stateDir: string): Promise<EndState> {
  const keys = await listKeys(client, bucket, prefix);
  const wanted = new Set(expected.map((object) => object.key));
  let identical = 0;
  for (const object of expected) {
    if (!keys.includes(object.key)) continue;
    const [remote, local] = await Promise.all([objectDigest(client, bucket, object.key), fileDigest(object.file)]);
    if (remote.size === local.size && remote.sha256 === local.sha256) identical += 1;
  }
  return {
    expected: expected.length,
    identical,
    missingKeys: [...wanted].filter((key) => !keys.includes(key)),
    unexpectedKeys: keys.filter((key) => !wanted.has(key)),
    leftoverUploads: await listUploads(client, bucket, prefix),
    integrity: integrityCheck(stateDir),
  };
}

/** The end every crash run promises; the failure message shows the whole state. */
export function isCleanEnd(end: EndState): boolean {
  return end.identical === end.expected && end.missingKeys.length === 0 && end.unexpectedKeys.length === 0 && end.leftoverUploads.length === 0 && end.integrity === 'ok';
}

export async function listKeys(client: S3Client, bucket: string, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) keys.push(object.Key ?? '');
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys.sort();
}

export async function listUploads(client: S3Client, bucket: string, prefix: string): Promise<Array<{ key: string; uploadId: string }>> {
  const uploads: Array<{ key: string; uploadId: string }> = [];
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  for (;;) {
    const page = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker }));
    for (const upload of page.Uploads ?? []) uploads.push({ key: upload.Key ?? '', uploadId: upload.UploadId ?? '' });
    if (!page.IsTruncated) return uploads;
    keyMarker = page.NextKeyMarker;
    uploadIdMarker = page.NextUploadIdMarker;
  }
}

/** Frees the server's memory (the test RGW keeps objects in RAM) once a run's objects are checked. */
export async function deleteObjects(client: S3Client, bucket: string, keys: readonly string[]): Promise<void> {
  for (const key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}

/**
 * Reads the state database the way another process would, while no Hoist
 * runs; `empty` when a kill came before the database or its tables existed.
 * A database a kill left needing recovery (a hot journal, a WAL without its
 * index) cannot be opened read-only: then a copy is read, recovered by SQLite
 * as the next Hoist will recover the original, which stays untouched.
 */
function readState<T>(stateDir: string, empty: T, read: (db: Database.Database) => T): T {
  const database = join(stateDir, 'state.sqlite3');
  if (!existsSync(database)) return empty;
  try {
    return readDatabase(new Database(database, { readonly: true, fileMustExist: true }), empty, read);
  } catch (error) {
    if (!String((error as { code?: unknown }).code).startsWith('SQLITE_READONLY')) throw error;
  }
  const copy = mkdtempSync(join(tmpdir(), 'hoist-state-copy-'));
  try {
    for (const suffix of ['', '-wal', '-journal']) {
      if (existsSync(`${database}${suffix}`)) copyFileSync(`${database}${suffix}`, join(copy, `state.sqlite3${suffix}`));
    }
    return readDatabase(new Database(join(copy, 'state.sqlite3')), empty, read);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

function readDatabase<T>(db: Database.Database, empty: T, read: (db: Database.Database) => T): T {
  try {
    const tables = db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('uploads', 'parts')`).get() as { n: number };
    return tables.n === 2 ? read(db) : empty;
  } finally {
    db.close();
  }
}

/**
 * Bytes of the files no run has started sending: parts still `pending`, and
 * whole files that have no record yet. A part recorded as started
 * (`uploading`) or `done` went onto the wire at least in part, so sending it
 * again counts as re-sent (see resentBy).
 */
export function unsentBytes(stateDir: string, files: ReadonlyArray<{ file: string; size: number }>): number {
  const rows = readState(stateDir, [], (db) =>
    db
      .prepare(`SELECT u.path AS path, SUM(CASE WHEN p.state = 'pending' THEN p.size ELSE 0 END) AS pending FROM uploads u JOIN parts p ON p.upload_record_id = u.id GROUP BY u.id`)
      .all() as Array<{ path: string; pending: number }>,
  );
  const pending = new Map(rows.map((row) => [row.path, row.pending]));
  return files.reduce((sum, { file, size }) => sum + (pending.get(file) ?? size), 0);
}

/**
 * Bytes of parts recorded as started and not done, started at or after
 * `since` (epoch ms; a part's updated_at): what one killed run had in flight.
 * Parts an earlier killed run left started, and this one never reached,
 * belong to that run's crash.
 */
export function inFlightBytes(stateDir: string, since = 0): number {
  return readState(stateDir, 0, (db) => (db.prepare(`SELECT COALESCE(SUM(size), 0) AS bytes FROM parts WHERE state = 'uploading' AND updated_at >= ?`).get(since) as { bytes: number }).bytes);
}

/**
 * Bytes a run sent again after a crash: what it reports sending (`--json`
 * bytesSent) minus the bytes it sent for the first time (unsent before −
 * unsent after): the parts the killed run had in flight or had sent without
 * recording. That is total bytes sent over all runs − file size, except the
 * share of an in-flight part the killed run got onto the wire, which no
 * surviving process can report.
 */
export function resentBy(bytesSent: number, unsentBefore: number, unsentAfter: number): number {
  return bytesSent - (unsentBefore - unsentAfter);
}

export interface RecordRow {
  path: string;
  state: string;
  uploadId: string | null;
}

/** The upload records as the killed process left them. */
export function uploadRecords(stateDir: string): RecordRow[] {
  return readState(stateDir, [], (db) => db.prepare('SELECT path, state, upload_id AS uploadId FROM uploads ORDER BY path').all() as RecordRow[]);
}

export interface PartSnapshot {
  state: string;
  size: number;
  updatedAt: number;
}

/** Every part of every record, keyed `<record id>:<part number>`. */
export function partSnapshot(stateDir: string): Map<string, PartSnapshot> {
  const rows = readState(stateDir, [], (db) =>
    db.prepare('SELECT upload_record_id AS id, part_number AS n, state, size, updated_at AS updatedAt FROM parts').all() as Array<PartSnapshot & { id: string; n: number }>,
  );
  return new Map(rows.map((row) => [`${row.id}:${row.n}`, { state: row.state, size: row.size, updatedAt: row.updatedAt }]));
}
