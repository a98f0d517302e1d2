/** What every host (CLI status, tray, renderer) shows of one upload. Times are ISO-8601 strings. */
export interface UploadSnapshot {
  id: string;
  path: string;
  bucket: string;
  key: string;
  endpoint: string | null;
  region: string;
  state: 'queued' | 'uploading' | 'paused' | 'completed' | 'failed' | 'cancelled';
  bytesDone: number;
  bytesTotal: number;
  partsDone: number;
  partsTotal: number;
  partSize: number;
  startedAt: string;
  updatedAt: string;
  completedAt: string | null;
  /** Times the server lost the unfinished upload and Hoist started it again. */
  restarts: number;
  lastError: string | null;
  uploadId: string | null;
  /** Bytes per second while running, 0 otherwise. */
  speed: number;
  /** Seconds left at the current speed; null when unknown. */
  etaSeconds: number | null;
}
