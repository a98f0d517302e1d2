import type Database from 'better-sqlite3';
import type { UploadState } from '../engine/ports/records.ts';
import type { EventRow, PartRow, SourceUpdate, UploadInsert, UploadRow } from './rows.ts';

const FINISHED = `('completed', 'cancelled')`;
const UPLOAD_COLUMNS = `id, upload_id, endpoint, region, path_style, bucket, "key", path, size, part_size, single_put,
  mtime_ns, file_id, fingerprint, started_at, updated_at, completed_at, state, last_error, restarts, etag,
  target_id, conflict, expires_at, checksum_algorithm, source_missing, source_kind, source_snapshot, folder_id,
  key_at_start, foreign_object`;
const PART_COLUMNS = `upload_record_id, part_number, "offset", size, state, etag, md5, checksum, updated_at`;

/** Every statement the store runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  const p = <P extends unknown[] | object, R = unknown>(sql: string) => db.prepare<P, R>(sql);
  return {
    insertUpload: p<[UploadInsert]>(
      `INSERT INTO uploads (${UPLOAD_COLUMNS}) VALUES (@id, NULL, @endpoint, @region, @path_style, @bucket, @key, @path,
        @size, @part_size, @single_put, @mtime_ns, @file_id, @fingerprint, @started_at, @now, NULL, @state, NULL, 0, NULL,
        @target_id, NULL, NULL, NULL, 0, @source_kind, @source_snapshot, @folder_id, NULL, NULL)`,
    ),
    insertPart: p<[string, number, number, number, number]>(
      `INSERT INTO parts (${PART_COLUMNS}) VALUES (?, ?, ?, ?, 'pending', NULL, NULL, NULL, ?)`,
    ),
    getUpload: p<[string], UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE id = ?`),
    listUploads: p<[], UploadRow>(`SELECT ${UPLOAD_COLUMNS} FROM uploads ORDER BY started_at, id`),
    listUnfinished: p<[], UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads WHERE state NOT IN ${FINISHED} ORDER BY started_at, id`,
    ),
    findUnfinished: p<[string, string, string, string | null], UploadRow>(
      `SELECT ${UPLOAD_COLUMNS} FROM uploads
        WHERE path = ? AND bucket = ? AND "key" = ? AND endpoint IS ? AND state NOT IN ${FINISHED}
        ORDER BY started_at DESC, id LIMIT 1`,
    ),
    listParts: p<[string], PartRow>(`SELECT ${PART_COLUMNS} FROM parts WHERE upload_record_id = ? ORDER BY part_number`),
    setUploadId: p<[string | null, string | null, number, string]>(
      `UPDATE uploads SET upload_id = ?, checksum_algorithm = ?, updated_at = ? WHERE id = ?`,
    ),
    setSourceMissing: p<[number, number, string]>(`UPDATE uploads SET source_missing = ?, updated_at = ? WHERE id = ?`),
    getCapabilities: p<[string, string], { data: string; probed_at: number }>(
      `SELECT data, probed_at FROM target_capabilities WHERE endpoint = ? AND bucket = ?`,
    ),
    saveCapabilities: p<[string, string, string, number]>(
      `INSERT INTO target_capabilities (endpoint, bucket, data, probed_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (endpoint, bucket) DO UPDATE SET data = excluded.data, probed_at = excluded.probed_at`,
    ),
    // A finished upload has no unfinished multipart upload that could expire.
    setState: p<[UploadState, UploadState, number, string]>(
      `UPDATE uploads SET state = ?, expires_at = CASE WHEN ? IN ${FINISHED} THEN NULL ELSE expires_at END, updated_at = ?
        WHERE id = ?`,
    ),
    setStateAndError: p<[UploadState, UploadState, string | null, number, string]>(
      `UPDATE uploads SET state = ?, expires_at = CASE WHEN ? IN ${FINISHED} THEN NULL ELSE expires_at END, last_error = ?,
        updated_at = ? WHERE id = ?`,
    ),
    setConflict: p<[string | null, number, string]>(`UPDATE uploads SET conflict = ?, updated_at = ? WHERE id = ?`),
    setExpiresAt: p<[number | null, number, string]>(`UPDATE uploads SET expires_at = ?, updated_at = ? WHERE id = ?`),
    setKeyAtStart: p<[string, number, string]>(`UPDATE uploads SET key_at_start = ?, updated_at = ? WHERE id = ?`),
    setForeignObject: p<[string, number, string]>(`UPDATE uploads SET foreign_object = ?, updated_at = ? WHERE id = ?`),
    acceptForeignObject: p<[number, string]>(
      `UPDATE uploads SET key_at_start = foreign_object, foreign_object = NULL, conflict = NULL, last_error = NULL,
        state = CASE WHEN state = 'failed' THEN 'queued' ELSE state END, updated_at = ? WHERE id = ? AND foreign_object IS NOT NULL`,
    ),
    replaceSource: p<[SourceUpdate]>(
      `UPDATE uploads SET size = @size, mtime_ns = @mtime_ns, file_id = @file_id, fingerprint = @fingerprint,
        part_size = @part_size, single_put = @single_put, source_snapshot = @source_snapshot, upload_id = NULL, checksum_algorithm = NULL, conflict = NULL, source_missing = 0, expires_at = NULL,
        last_error = NULL, etag = NULL, completed_at = NULL, state = 'queued', updated_at = @now WHERE id = @id`,
    ),
    // Like replaceSource, but the multipart upload and its expiry stay: kept parts are on it.
    reuseSource: p<[SourceUpdate]>(
      `UPDATE uploads SET size = @size, mtime_ns = @mtime_ns, file_id = @file_id, fingerprint = @fingerprint,
        part_size = @part_size, single_put = @single_put, source_snapshot = @source_snapshot, conflict = NULL, source_missing = 0, last_error = NULL, etag = NULL,
        completed_at = NULL, state = 'queued', updated_at = @now WHERE id = @id`,
    ),
    insertKeptPart: p<[string, number, number, number, string, string, string | null, number]>(
      `INSERT INTO parts (${PART_COLUMNS}) VALUES (?, ?, ?, ?, 'done', ?, ?, ?, ?)`,
    ),
    deleteParts: p<[string]>(`DELETE FROM parts WHERE upload_record_id = ?`),
    // Only while nothing of it is on the server: no multipart upload, no part done (see UploadStore.moveUnsent).
    moveUnsent: p<[string | null, string, number, string, number, string]>(
      `UPDATE uploads SET endpoint = ?, region = ?, path_style = ?, bucket = ?, key_at_start = NULL, updated_at = ?
        WHERE id = ? AND upload_id IS NULL AND state NOT IN ${FINISHED}
          AND NOT EXISTS (SELECT 1 FROM parts WHERE upload_record_id = uploads.id AND state = 'done')`,
    ),
    touchUpload: p<[number, string]>(`UPDATE uploads SET updated_at = ? WHERE id = ?`),
    partStarted: p<[string, string | null, number, string, number]>(
      `UPDATE parts SET state = 'uploading', md5 = ?, checksum = ?, updated_at = ? WHERE upload_record_id = ? AND part_number = ?`,
    ),
    partDone: p<[string, string | null, string | null, number, string, number]>(
      `UPDATE parts SET state = 'done', etag = ?, md5 = COALESCE(?, md5), checksum = COALESCE(?, checksum), updated_at = ?
        WHERE upload_record_id = ? AND part_number = ?`,
    ),
    // A part that is not done has no etag the engine may use.
    partPending: p<[number, string, number]>(
      `UPDATE parts SET state = 'pending', etag = NULL, updated_at = ? WHERE upload_record_id = ? AND part_number = ?`,
    ),
    restartUpload: p<[string | null, string | null, number, string]>(
      `UPDATE uploads SET upload_id = ?, checksum_algorithm = ?, restarts = restarts + 1, state = 'uploading', updated_at = ? WHERE id = ?`,
    ),
    // The bytes are read again for the new upload, so their digests are taken again too.
    resetParts: p<[number, string]>(
      `UPDATE parts SET state = 'pending', etag = NULL, md5 = NULL, checksum = NULL, updated_at = ? WHERE upload_record_id = ?`,
    ),
    markCompleted: p<[string | null, number, number, string]>(
      `UPDATE uploads SET state = 'completed', etag = ?, completed_at = ?, updated_at = ?, last_error = NULL, conflict = NULL,
        expires_at = NULL, source_missing = 0 WHERE id = ?`,
    ),
    deleteUpload: p<[string]>(`DELETE FROM uploads WHERE id = ?`),
    insertEvent: p<[string, number, string, string]>(
      `INSERT INTO events (upload_record_id, at, kind, message) VALUES (?, ?, ?, ?)`,
    ),
    listEvents: p<[string], EventRow>(
      `SELECT upload_record_id, at, kind, message FROM events WHERE upload_record_id = ? ORDER BY at, id`,
    ),
    prune: p<[number], { id: string }>(
      `DELETE FROM uploads WHERE state IN ${FINISHED} AND COALESCE(completed_at, updated_at) < ? RETURNING id`,
    ),
  };
}

export type Statements = ReturnType<typeof prepareStatements>;
