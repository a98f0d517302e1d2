import { readFileSync, writeFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { FolderState, IfExists } from '../../engine/ports/folder-store.ts';
import type { NewUpload } from '../../engine/ports/records.ts';
import { SqliteAppConfigStore } from '../app-config-store.ts';
import { migrate } from '../migrate.ts';
import { MIGRATIONS } from '../migrations/index.ts';
import type { SalvagedFolder } from '../salvage-state.ts';
import { SqliteFolderStore } from '../sqlite-folder-store.ts';
import { SqliteStateStore } from '../sqlite-state-store.ts';

/**
 * Real state databases to damage, for the salvage and recovery tests: made by
 * the store itself (every migration, WAL, then checkpointed into the main file
 * as a clean close leaves it), and ways to damage them as disks and people do.
 */

export interface RecordedUpload {
  id: string;
  path: string;
  bucket: string;
  key: string;
  uploadId: string | null;
  state: string;
}

/** `count` uploads (every third finished, every fifth never sent), two targets, three settings. */
export function writeStateDatabase(file: string, count: number): RecordedUpload[] {
  const store = SqliteStateStore.open(file);
  const config = new SqliteAppConfigStore(store.database);
  const recorded: RecordedUpload[] = [];
  try {
    config.saveTarget('t1', { id: 't1', name: 'backups', bucket: 'b1' });
    config.saveTarget('t2', { id: 't2', name: 'photos', bucket: 'b2' });
    config.setSetting('concurrency', 6);
    config.setSetting('notifications', false);
    config.setSetting('partSizeMiB', 16);
    for (let i = 0; i < count; i += 1) {
      const id = `u${String(i).padStart(4, '0')}`;
      const upload = newUpload(id, i);
      store.createUpload(upload, [
        { partNumber: 1, offset: 0, size: 5 },
        { partNumber: 2, offset: 5, size: 5 },
        { partNumber: 3, offset: 10, size: 2 },
      ]);
      let uploadId: string | null = null;
      let state = 'queued';
      if (i % 5 !== 4) {
        uploadId = `2~upload-${id}-${'x'.repeat(40)}`;
        store.setUploadId(id, uploadId);
        store.markPartStarted(id, 1, 'd41d8cd98f00b204e9800998ecf8427e', null);
        store.markPartDone(id, 1, '"d41d8cd98f00b204e9800998ecf8427e"');
        store.setState(id, 'uploading');
        state = 'uploading';
      }
      if (i % 3 === 2 && uploadId) {
        store.markCompleted(id, '"etag-2"');
        state = 'completed';
      }
      recorded.push({ id, path: upload.path, bucket: upload.bucket, key: upload.key, uploadId, state });
    }
  } finally {
    store.close();
  }
  return recorded;
}

/**
 * Adds folders sent as one object per file to a database writeStateDatabase
 * made: one per state and policy (to the top of the bucket, to AWS itself,
 * with a target or not), each with recorded files, and a big file's upload
 * of the first (uploadId `2~folder-big`). Returns the folders as a salvage
 * must read them.
 */
export type RecordedFolder = SalvagedFolder & { id: string; state: FolderState };

export function addFolders(file: string): { folders: RecordedFolder[]; childUploadId: string } {
  const store = SqliteStateStore.open(file);
  const folders = new SqliteFolderStore(store.database);
  const made: RecordedFolder[] = [
    folderRow('f1', 'sending', 'skip-identical', { prefix: 'photos/', targetId: 't1' }),
    folderRow('f2', 'completed', 'overwrite', { prefix: '' }),
    folderRow('f3', 'paused', 'overwrite', { endpoint: undefined, pathStyle: false, region: 'eu-west-1' }),
    folderRow('f4', 'failed', 'fail', { partSize: 16 * 1024 * 1024 }),
    folderRow('f5', 'cancelled', 'skip-identical', {}),
    folderRow('f6', 'walking', 'skip-identical', {}),
  ];
  try {
    for (const folder of made) {
      folders.createFolder({ ...folder, startedAt: 5000 });
      if (folder.state !== 'walking') folders.setFolderState(folder.id, folder.state);
      folders.addFolderFiles(folder.id, [
        { relPath: 'a.jpg', size: 10, mtimeNs: '1', fileId: '1:1', state: 'done' },
        { relPath: 'big.mov', size: 12, mtimeNs: '1', fileId: '1:2', state: 'sending' },
      ]);
    }
    const child: NewUpload = { ...newUpload('u-folder-big', 0), path: '/data/folders/f1/big.mov', key: 'photos/big.mov', folderId: 'f1' };
    store.createUpload(child, [{ partNumber: 1, offset: 0, size: 12 }]);
    store.setUploadId(child.id, '2~folder-big');
  } finally {
    store.close();
  }
  return { folders: made, childUploadId: 'u-folder-big' };
}

function folderRow(id: string, state: FolderState, ifExists: IfExists, over: Partial<SalvagedFolder>): RecordedFolder {
  return {
    path: `/data/folders/${id}`,
    bucket: 'b1',
    prefix: `${id}/`,
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    pathStyle: true,
    targetId: null,
    partSize: 8 * 1024 * 1024,
    ifExists,
    ...over,
    id,
    state,
  };
}

/**
 * A database as a Hoist from before folders left it (schema 4: no folders
 * table, no uploads.folder_id), with `count` unfinished uploads.
 */
export function writeOldStateDatabase(file: string, count: number): void {
  const db = new Database(file);
  try {
    migrate(db, MIGRATIONS.slice(0, 4));
    const insert = db.prepare(
      `INSERT INTO uploads (id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put, mtime_ns, file_id, fingerprint, started_at, updated_at, state)
       VALUES (?, ?, 'http://127.0.0.1:7480', 'us-east-1', 1, 'b1', ?, ?, 12, 5, 0, '1', '1:1', 'f', 1000, 1000, 'uploading')`,
    );
    for (let i = 0; i < count; i += 1) insert.run(`old${i}`, `2~old-${i}`, `old/${i}.bin`, `/data/old/${i}.bin`);
  } finally {
    db.close();
  }
}

function newUpload(id: string, i: number): NewUpload {
  return {
    id,
    endpoint: 'http://127.0.0.1:7480',
    region: 'us-east-1',
    pathStyle: true,
    bucket: i % 2 === 0 ? 'b1' : 'b2',
    key: `backups/${id}/${'k'.repeat(i % 40)}.bin`,
    path: `/data/files/${id}-${'p'.repeat(i % 60)}.bin`,
    size: 12,
    partSize: 5,
    singlePut: false,
    mtimeNs: '1700000000123456789',
    fileId: `2049:${i}`,
    fingerprint: 'f'.repeat(64),
    startedAt: 1000 + i,
    state: 'queued',
    targetId: i % 2 === 0 ? 't1' : null,
  };
}

export function pageSizeOf(file: string): number {
  const raw = readFileSync(file).readUInt16BE(16);
  return raw === 1 ? 65536 : raw;
}

/** Bytes that are the same at every run, so a failure can be reproduced. */
export function noise(length: number, seed: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = (seed * 2654435761 + 1) | 0 || 1;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

/** Overwrites page `page` (1-based) with noise. */
export function overwritePage(file: string, page: number, seed = page): void {
  const bytes = readFileSync(file);
  const size = pageSizeOf(file);
  noise(size, seed).copy(bytes, (page - 1) * size);
  writeFileSync(file, bytes);
}

/** The root page of a table or index, from the schema (read before damaging). */
/** The last page the schema (sqlite_master) occupies: a schema bigger than a page spills to pages allocated later. */
export function lastSchemaPageOf(file: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare("SELECT max(pageno) FROM dbstat WHERE name = 'sqlite_schema'").pluck().get() as number;
  } finally {
    db.close();
  }
}

export function rootPageOf(file: string, name: string): number {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').pluck().get(name) as number | undefined) ?? 0;
  } finally {
    db.close();
  }
}
