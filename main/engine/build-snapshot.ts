import type { UploadSnapshot } from '../../shared/domain/upload-snapshot.ts';
import type { UploadRecord } from './ports.ts';

export interface UploadProgress {
  bytesDone: number;
  partsDone: number;
  partsTotal: number;
}

/** What hosts show of one upload: the record, its progress and its current speed. */
export function buildSnapshot(upload: UploadRecord, progress: UploadProgress, speed: number): UploadSnapshot {
  const left = upload.size - progress.bytesDone;
  return {
    id: upload.id,
    path: upload.path,
    bucket: upload.bucket,
    key: upload.key,
    endpoint: upload.endpoint ?? null,
    region: upload.region,
    state: upload.state,
    ...progress,
    bytesTotal: upload.size,
    partSize: upload.partSize,
    startedAt: new Date(upload.startedAt).toISOString(),
    updatedAt: new Date(upload.updatedAt).toISOString(),
    completedAt: upload.completedAt === null ? null : new Date(upload.completedAt).toISOString(),
    restarts: upload.restarts,
    lastError: upload.lastError,
    uploadId: upload.uploadId,
    speed,
    etaSeconds: upload.state === 'completed' ? 0 : speed > 0 ? left / speed : null,
  };
}
