import { randomBytes } from 'node:crypto';
import type { AddUploadRequest } from '../engine-options.ts';
import type { NewUpload } from '../ports/records.ts';

/** A new upload record: a fresh local id, where the request sends what it reads, and the source's facts. */
export function newUploadFor(
  request: AddUploadRequest,
  source: Omit<NewUpload, 'id' | 'endpoint' | 'region' | 'pathStyle' | 'bucket' | 'key' | 'targetId' | 'path'>,
): NewUpload {
  return {
    id: randomBytes(6).toString('hex'),
    endpoint: request.target.endpoint,
    region: request.target.region,
    pathStyle: request.target.pathStyle,
    ...request.location,
    targetId: request.targetId ?? null,
    path: request.path,
    ...(request.folderId ? { folderId: request.folderId } : {}),
    ...source,
  };
}
