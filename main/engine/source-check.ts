import { SourceError } from './errors.ts';
import type { ByteSource, UploadRecord } from './ports.ts';

/**
 * The source must be what it was when the upload started: parts of two
 * versions of a file never go into one object. Size, mtime and file identity
 * first; then, because equal size and mtime do not prove equal bytes (coarse
 * timestamps, tools that restore mtimes), the fingerprint, cheap to re-read.
 */
export async function assertSourceUnchanged(source: ByteSource, record: UploadRecord): Promise<void> {
  const now = await source.stat(record.path);
  const changes: string[] = [];
  if (now.size !== record.size) changes.push(`size ${record.size} → ${now.size}`);
  if (now.mtimeNs !== record.mtimeNs) changes.push('modification time');
  if (now.fileId !== record.fileId) changes.push('file identity (replaced)');
  if (changes.length === 0 && (await source.fingerprint(record.path, now.size)) !== record.fingerprint) changes.push('content');
  if (changes.length > 0) {
    throw new SourceError('changed', `${record.path} changed since the upload started (${changes.join(', ')}); its parts will not be mixed`);
  }
}
