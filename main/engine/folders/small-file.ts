import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { IntegrityError, S3Failure, SourceError } from '../errors.ts';
import type { ByteSource, SourceStat } from '../ports/byte-source.ts';
import type { FolderFileRecord } from '../ports/folder-store.ts';
import type { PartHasher } from '../ports/part-hasher.ts';
import type { PartBuffers } from '../sending/part-buffers.ts';
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

/** A small file read whole, with the stat of what was read and its MD5; `release` hands back its buffer once sent. */
export interface ReadSmallFile {
  bytes: Uint8Array;
  stat: SourceStat;
  md5Hex: string;
  md5Base64: string;
  release: () => void;
}

/** Where a file read in its part slot goes: one of the process's part buffers, hashed off the main thread where the host can. */
export interface PooledRead {
  buffers: PartBuffers;
  hasher: PartHasher;
}

/**
 * Reads a file small enough for a single PutObject whole, and hashes it. Sent
 * whole, so the version read now is the one sent and recorded, whatever the
 * walk saw; one that grew to the whole-file limit (wholeFileLimit) since is
 * 'changed'. With `pooled`, the bytes go into a part buffer (the caller holds
 * a part slot): a folder of photos then uses the same few buffers over and
 * over instead of leaving megabytes for the garbage collector with every file,
 * and its MD5 is taken beside the sending, as a part's is. A file of a part or
 * more gets a buffer of the limit's size, which the next such files reuse.
 */
export async function readSmallFile(
  source: ByteSource,
  file: FolderFileRecord,
  path: string,
  sizes: { partSize: number; limit: number },
  pooled?: PooledRead,
): Promise<ReadSmallFile> {
  const lease = pooled?.buffers.take(Math.min(file.size, sizes.limit), file.size < sizes.partSize ? sizes.partSize : sizes.limit);
  try {
    const { stat, bytes } = await readWhole(source, path, sizes.limit, lease?.bytes);
    if (!bytes) throw new SourceError('changed', `${file.relPath} grew from ${file.size} to ${stat.size} bytes since the folder was walked`);
    // MD5 only: it is what Content-MD5 and the ETag carry; a whole object has no parts to recognise later by SHA-256.
    const md5 = Buffer.from(pooled?.hasher.md5 ? await pooled.hasher.md5(bytes) : md5Of(bytes));
    return { bytes, stat, md5Hex: md5.toString('hex'), md5Base64: md5.toString('base64'), release: lease?.release ?? (() => undefined) };
  } catch (error) {
    lease?.release();
    throw error;
  }
}

/**
 * Sends a file read by readSmallFile in one PutObject, with Content-MD5, and
 * checks the answer. Where the server verifies Content-MD5 or returns MD5
 * ETags, the PutObject answer proves the bytes; otherwise HeadObject must
 * show the size. Returns the file's MD5 and the object's ETag.
 */
export async function putSmallFile(
  deps: SmallFileDeps,
  file: FolderFileRecord,
  read: ReadSmallFile,
  location: ObjectLocation,
  signal: AbortSignal,
): Promise<{ md5: string; etag: string; stat: { size: number; mtimeNs: string; fileId: string } }> {
  const { size, mtimeNs, fileId } = read.stat;
  const headers: BodyDigests = deps.capabilities.contentMd5 === 'rejected' ? {} : { md5Base64: read.md5Base64 };
  const { etag } = await deps.retry(async () => {
    const answer = await deps.objects.putObject(location, read.bytes, headers, deps.sendOptions(signal));
    // Where ETags are MD5s, one that is not the MD5 of what was sent means the bytes were damaged on the way: send again.
    const got = unquoteEtag(answer.etag);
    if (deps.capabilities.etagIsMd5 && got !== '' && got !== read.md5Hex) {
      throw new S3Failure('retryable', `the server's ETag for ${file.relPath} is not the MD5 of the bytes sent`, 'BadDigest', undefined);
    }
    return answer;
  }, 'PutObject');
  const provenByEtag = unquoteEtag(etag) === read.md5Hex;
  if (!provenByEtag && !(headers.md5Base64 && deps.capabilities.contentMd5 === 'verified')) {
    const head = await deps.retry(() => deps.objects.headObject(location, signal), 'HeadObject');
    if (!head || head.size !== size) throw new IntegrityError(`${file.relPath}: the object at its key does not have its ${size} bytes after PutObject`);
  }
  return { md5: read.md5Hex, etag, stat: { size, mtimeNs, fileId } };
}

/** The file whole with its stat, through one open where the source offers it; no bytes when it is `maxBytes` or longer. */
export async function readWhole(source: ByteSource, path: string, maxBytes: number, into?: Uint8Array): Promise<{ stat: SourceStat; bytes?: Uint8Array }> {
  if (source.readWhole) return source.readWhole(path, maxBytes, into);
  const stat = await source.stat(path);
  if (stat.size >= maxBytes) return { stat };
  const reader = await source.open(path);
  try {
    return { stat, bytes: await reader.read(0, stat.size, into) };
  } finally {
    await reader.close();
  }
}
