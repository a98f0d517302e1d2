import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { IntegrityError, S3Failure, SourceError } from '../errors.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { FolderFileRecord } from '../ports/folder-store.ts';
import type { BodyDigests, ObjectStore, SendOptions } from '../ports/object-store.ts';
import type { ObjectLocation, TargetCapabilities } from '../ports/records.ts';
import { md5Of } from '../sending/part-digest.ts';

export interface SmallFileDeps {
  source: ByteSource;
  objects: ObjectStore;
  capabilities: TargetCapabilities;
  retry: <T>(attempt: () => Promise<T>, what: string) => Promise<T>;
  sendOptions: (signal: AbortSignal) => SendOptions;
}

/**
 * One file small enough for a single PutObject: read whole, sent with
 * Content-MD5, and the answer checked; its stat as read is recorded with it. Where the server verifies Content-MD5 or returns
 * MD5 ETags, the PutObject answer proves the bytes; otherwise HeadObject
 * must show the size. Returns the file's MD5 and the object's ETag.
 */
export async function sendSmallFile(
  deps: SmallFileDeps,
  file: FolderFileRecord,
  path: string,
  location: ObjectLocation,
  partSize: number,
  signal: AbortSignal,
): Promise<{ md5: string; etag: string; stat: { size: number; mtimeNs: string; fileId: string } }> {
  // Sent whole, so the version read now is the one sent and recorded, whatever the walk saw.
  const { size, mtimeNs, fileId } = await deps.source.stat(path);
  if (size >= partSize) throw new SourceError('changed', `${file.relPath} grew from ${file.size} to ${size} bytes since the folder was walked`);
  const reader = await deps.source.open(path);
  let bytes: Uint8Array;
  try {
    bytes = await reader.read(0, size);
  } finally {
    await reader.close();
  }
  // MD5 only: it is what Content-MD5 and the ETag carry; a whole object has no parts to recognise later by SHA-256.
  const md5 = md5Of(bytes);
  const digest = { md5Hex: md5.toString('hex'), md5Base64: md5.toString('base64') };
  const headers: BodyDigests = deps.capabilities.contentMd5 === 'rejected' ? {} : { md5Base64: digest.md5Base64 };
  const { etag } = await deps.retry(async () => {
    const answer = await deps.objects.putObject(location, bytes, headers, deps.sendOptions(signal));
    // Where ETags are MD5s, one that is not the MD5 of what was sent means the bytes were damaged on the way: send again.
    const got = unquoteEtag(answer.etag);
    if (deps.capabilities.etagIsMd5 && got !== '' && got !== digest.md5Hex) {
      throw new S3Failure('retryable', `the server's ETag for ${file.relPath} is not the MD5 of the bytes sent`, 'BadDigest', undefined);
    }
    return answer;
  }, 'PutObject');
  const provenByEtag = unquoteEtag(etag) === digest.md5Hex;
  if (!provenByEtag && !(headers.md5Base64 && deps.capabilities.contentMd5 === 'verified')) {
    const head = await deps.retry(() => deps.objects.headObject(location, signal), 'HeadObject');
    if (!head || head.size !== size) throw new IntegrityError(`${file.relPath}: the object at its key does not have its ${size} bytes after PutObject`);
  }
  return { md5: digest.md5Hex, etag, stat: { size, mtimeNs, fileId } };
}
