import type { ChecksumAlgorithm, KeyObject, KeyState, PartRecord, PartState, SourceKind, UploadEvent, UploadRecord, UploadState } from '../engine/ports/records.ts';

/** Rows as better-sqlite3 returns them (INTEGER as number: sizes and times stay below 2^53). */
export interface UploadRow {
  id: string;
  upload_id: string | null;
  endpoint: string | null;
  region: string;
  path_style: number;
  bucket: string;
  key: string;
  path: string;
  size: number;
  part_size: number;
  single_put: number;
  mtime_ns: string;
  file_id: string;
  fingerprint: string;
  started_at: number;
  updated_at: number;
  completed_at: number | null;
  state: UploadState;
  last_error: string | null;
  restarts: number;
  etag: string | null;
  target_id: string | null;
  conflict: string | null;
  expires_at: number | null;
  checksum_algorithm: ChecksumAlgorithm | null;
  source_missing: number;
  source_kind: SourceKind;
  source_snapshot: string | null;
  folder_id: string | null;
  key_at_start: string | null;
  foreign_object: string | null;
}

/** The named parameters of the upload INSERT: what a new upload starts with. */
export type UploadInsert = Omit<
  UploadRow,
  | 'upload_id'
  | 'updated_at'
  | 'completed_at'
  | 'last_error'
  | 'restarts'
  | 'etag'
  | 'conflict'
  | 'expires_at'
  | 'checksum_algorithm'
  | 'source_missing'
  | 'key_at_start'
  | 'foreign_object'
> & {
  now: number;
};

/** The named parameters of replaceSource's UPDATE. */
export interface SourceUpdate {
  id: string;
  size: number;
  mtime_ns: string;
  file_id: string;
  fingerprint: string;
  part_size: number;
  single_put: number;
  source_snapshot: string | null;
  now: number;
}

export interface PartRow {
  upload_record_id: string;
  part_number: number;
  offset: number;
  size: number;
  state: PartState;
  etag: string | null;
  md5: string | null;
  checksum: string | null;
  updated_at: number;
}

export interface EventRow {
  upload_record_id: string;
  at: number;
  kind: UploadEvent['kind'];
  message: string;
}

export function toUpload(r: UploadRow): UploadRecord {
  return {
    id: r.id,
    uploadId: r.upload_id,
    endpoint: r.endpoint ?? undefined,
    region: r.region,
    pathStyle: r.path_style === 1,
    bucket: r.bucket,
    key: r.key,
    path: r.path,
    size: r.size,
    partSize: r.part_size,
    singlePut: r.single_put === 1,
    mtimeNs: r.mtime_ns,
    fileId: r.file_id,
    fingerprint: r.fingerprint,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    completedAt: r.completed_at,
    state: r.state,
    lastError: r.last_error,
    restarts: r.restarts,
    etag: r.etag,
    targetId: r.target_id,
    conflict: r.conflict,
    expiresAt: r.expires_at,
    checksumAlgorithm: r.checksum_algorithm,
    sourceMissing: r.source_missing === 1,
    sourceKind: r.source_kind,
    snapshot: r.source_snapshot,
    folderId: r.folder_id,
    keyAtStart: r.key_at_start === null ? null : parseKeyState(r.key_at_start),
    foreignObject: r.foreign_object === null ? null : (parseKeyState(r.foreign_object) as KeyObject),
  };
}

export function toPart(r: PartRow): PartRecord {
  return {
    uploadRecordId: r.upload_record_id,
    partNumber: r.part_number,
    offset: r.offset,
    size: r.size,
    state: r.state,
    etag: r.etag,
    md5: r.md5,
    checksum: r.checksum,
    updatedAt: r.updated_at,
  };
}

/** key_at_start / foreign_object: "none", or the object's JSON. */
export function serializeKeyState(state: KeyState): string {
  return state === 'none' ? 'none' : JSON.stringify({ etag: state.etag, size: state.size });
}

function parseKeyState(text: string): KeyState {
  if (text === 'none') return 'none';
  const parsed = JSON.parse(text) as { etag: string; size: number };
  return { etag: parsed.etag, size: parsed.size };
}
