import { randomBytes } from 'node:crypto';
import { S3Failure } from '../errors.ts';
import type { BodyDigests, CompletedPart, ObjectHead, ObjectStore, RemoteObject, RemoteParts, RemoteUpload, SendOptions } from '../ports/object-store.ts';
import type { ChecksumAlgorithm, ObjectLocation } from '../ports/records.ts';
import { checkBodyDigests, etagFor, multipartEtagFor, refused, RGW_LIKE, sha256Base64Of } from './memory-server-behaviour.ts';
import type { ServerBehaviour } from './memory-server-behaviour.ts';

/**
 * An in-memory ObjectStore for tests that behaves like S3 where the engine
 * depends on it:
 * - parts are kept per multipart upload id; an unknown id is S3Failure 'upload-gone';
 * - integrity headers are treated as `behaviour` says (RGW's way by default, see
 *   memory-server-behaviour.ts); a mismatch is a retryable BadDigest;
 * - a part's ETag is its quoted MD5 hex; Complete concatenates the listed parts in
 *   order, checks their ETags and the 5 MiB minimum, and gives the object the
 *   ETag "md5-of-md5s-N"; the upload is gone afterwards; a part held but not
 *   listed is refused (InvalidPart, as Ceph RGW does) or dropped (as AWS does),
 *   as `unlistedParts` says;
 * - abort removes the upload (and is a no-op when it is already gone, as in S3ObjectStore).
 *
 * Hooks: failNext() injects failures, corruptNextUploadPart() damages a body in
 * transit, holdUploadPart() keeps a part in flight until released (or until its
 * signal aborts, which fails it like a cut request does).
 */

export type ObjectOp =
  | 'createMultipartUpload'
  | 'uploadPart'
  | 'uploadPartCopy'
  | 'listParts'
  | 'completeMultipartUpload'
  | 'abortMultipartUpload'
  | 'listMultipartUploads'
  | 'listObjects'
  | 'headObject'
  | 'putObject'
  | 'checkAccess';

export interface Call {
  op: ObjectOp;
  uploadId?: string;
  partNumber?: number;
}

export interface StoredObject {
  body: Buffer;
  etag: string;
}

interface StoredPart {
  body: Buffer;
  etag: string;
}

export type { ServerBehaviour } from './memory-server-behaviour.ts';
export { AWS_LIKE, RGW_LIKE } from './memory-server-behaviour.ts';

interface MultipartUpload {
  location: ObjectLocation;
  parts: Map<number, StoredPart>;
  checksumAlgorithm: ChecksumAlgorithm | null;
  /** Epoch ms; tests may set it to make an upload look old. */
  initiated: number;
}

interface InjectedFailure {
  op: ObjectOp;
  partNumber: number | undefined;
  error: unknown;
}

/** A part held in flight by holdUploadPart. */
export interface Gate {
  /** Resolves when the held request has arrived (its bytes are being sent). */
  reached: Promise<void>;
  /** Lets the request finish. */
  release(): void;
}

const MIN_PART_SIZE = 5 * 1024 * 1024;

export function retryableFailure(code = 'InternalError', status: number | undefined = 500): S3Failure {
  return new S3Failure('retryable', `temporary server error (injected ${code})`, code, status);
}

export function fatalFailure(code = 'AccessDenied', status: number | undefined = 403): S3Failure {
  return new S3Failure('fatal', `access denied (injected ${code})`, code, status);
}

export function goneFailure(): S3Failure {
  return new S3Failure('upload-gone', 'the server no longer has this multipart upload', 'NoSuchUpload', 404);
}

const unquote = (etag: string): string => etag.replace(/"/g, '').toLowerCase();
const objectKey = (location: ObjectLocation): string => `${location.bucket}/${location.key}`;

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, StoredObject>();
  readonly uploads = new Map<string, MultipartUpload>();
  /** Every call, in arrival order (a failed call is recorded too). */
  readonly calls: Call[] = [];
  /** How many times an onBytesSent callback was invoked, over all sends. */
  bytesSentCallbacks = 0;
  /** Bytes reported through onBytesSent per chunk. */
  chunkSize = 256 * 1024;
  /** Real-time delay between chunks, so a send takes measurable time. */
  chunkDelayMs = 0;
  /** A lifecycle rule: unfinished uploads are said to be discarded this long after creation (not enforced: use forgetUpload). */
  lifecycleAbortMs: number | undefined;
  /** Which provider this server plays where integrity headers are concerned. */
  behaviour: ServerBehaviour = { ...RGW_LIKE };
  /** A Complete that leaves out parts the upload holds: RGW refuses it ('refuse'), AWS drops those parts ('drop'). */
  unlistedParts: 'refuse' | 'drop' = 'refuse';

  private readonly failures: InjectedFailure[] = [];
  private readonly gates = new Map<number, { arrived: () => void; released: Promise<void> }>();
  private readonly corrupt = new Set<number>();
  private nextUploadId = 1;

  /** The next call of `op` (for uploadPart, optionally of that part number) throws `error` instead of running. Queue several to fail several times. */
  failNext(op: ObjectOp, error: unknown, options: { partNumber?: number; times?: number } = {}): void {
    for (let i = 0; i < (options.times ?? 1); i += 1) this.failures.push({ op, partNumber: options.partNumber, error });
  }

  /** Failures queued by failNext that have not fired yet. */
  get pendingFailures(): number {
    return this.failures.length;
  }

  /** The next UploadPart of `partNumber` waits (after arriving) until released or aborted. */
  holdUploadPart(partNumber: number): Gate {
    let arrived!: () => void;
    let release!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.gates.set(partNumber, { arrived, released });
    return { reached, release };
  }

  /** The next UploadPart of `partNumber` arrives with one byte flipped, as if damaged in transit. */
  corruptNextUploadPart(partNumber: number): void {
    this.corrupt.add(partNumber);
  }

  /** Drops a multipart upload as the server does when it expires it or someone aborts it. */
  forgetUpload(uploadId: string): void {
    if (!this.uploads.delete(uploadId)) throw new Error(`no upload ${uploadId} to forget`);
  }

  getObject(location: ObjectLocation): StoredObject | undefined {
    return this.objects.get(objectKey(location));
  }

  callsOf(op: ObjectOp): Call[] {
    return this.calls.filter((call) => call.op === op);
  }

  async createMultipartUpload(location: ObjectLocation, options: { checksumAlgorithm?: ChecksumAlgorithm } = {}): Promise<{ uploadId: string }> {
    this.enter({ op: 'createMultipartUpload' });
    if (options.checksumAlgorithm && this.behaviour.checksumSha256 === 'rejected') throw refused('x-amz-checksum-algorithm');
    const uploadId = `upload-${this.nextUploadId++}-${randomBytes(3).toString('hex')}`;
    const checksumAlgorithm = options.checksumAlgorithm && this.behaviour.checksumSha256 !== 'ignored' ? options.checksumAlgorithm : null;
    this.uploads.set(uploadId, { location, parts: new Map(), initiated: Date.now(), checksumAlgorithm });
    return { uploadId, ...(this.lifecycleAbortMs !== undefined ? { abortDate: Date.now() + this.lifecycleAbortMs } : {}) };
  }

  async uploadPart(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    digests: BodyDigests,
    options: SendOptions = {},
  ): Promise<{ etag: string }> {
    this.enter({ op: 'uploadPart', uploadId, partNumber });
    const created = this.requireUpload(location, uploadId);
    const gate = this.gates.get(partNumber);
    if (gate) {
      this.gates.delete(partNumber);
      gate.arrived();
      await this.unlessAborted(gate.released, options.signal);
    }
    await this.send(body, options);
    const received = this.corrupt.delete(partNumber) ? flipFirstByte(body) : body;
    checkBodyDigests(this.behaviour, received, digests, created.checksumAlgorithm);
    // The upload may have been aborted while the bytes were on the wire.
    const upload = this.requireUpload(location, uploadId);
    const etag = etagFor(this.behaviour, received);
    upload.parts.set(partNumber, { body: Buffer.from(received), etag });
    return { etag };
  }

  /** A part made from a range of a stored object, as S3 does it: no bytes from the client. */
  async uploadPartCopy(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    source: ObjectLocation,
    range: { first: number; last: number },
    signal?: AbortSignal,
  ): Promise<{ etag: string }> {
    this.enter({ op: 'uploadPartCopy', uploadId, partNumber });
    if (signal?.aborted) throw interrupted();
    const upload = this.requireUpload(location, uploadId);
    const object = this.objects.get(objectKey(source));
    if (!object) throw new S3Failure('fatal', 'the copy source does not exist', 'NoSuchKey', 404);
    if (range.first < 0 || range.last >= object.body.length || range.first > range.last) {
      throw new S3Failure('fatal', 'the copy range is outside the source', 'InvalidRange', 416);
    }
    const body = Buffer.from(object.body.subarray(range.first, range.last + 1));
    const etag = etagFor(this.behaviour, body);
    upload.parts.set(partNumber, { body, etag });
    return { etag };
  }

  async listParts(location: ObjectLocation, uploadId: string, signal?: AbortSignal): Promise<RemoteParts> {
    this.enter({ op: 'listParts', uploadId });
    if (signal?.aborted) throw interrupted();
    const upload = this.requireUpload(location, uploadId);
    const parts: RemoteParts = [...upload.parts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([partNumber, part]) => ({
        partNumber,
        etag: part.etag,
        size: part.body.length,
        ...(this.behaviour.returnsChecksums && upload.checksumAlgorithm ? { checksumSha256: sha256Base64Of(part.body) } : {}),
      }));
    if (this.lifecycleAbortMs !== undefined) parts.abortDate = upload.initiated + this.lifecycleAbortMs;
    return parts;
  }

  async completeMultipartUpload(
    location: ObjectLocation,
    uploadId: string,
    parts: ReadonlyArray<CompletedPart>,
    signal?: AbortSignal,
  ): Promise<{ etag: string | null }> {
    this.enter({ op: 'completeMultipartUpload', uploadId });
    if (signal?.aborted) throw interrupted();
    const upload = this.requireUpload(location, uploadId);
    if (parts.length === 0) throw new S3Failure('fatal', 'no parts listed', 'MalformedXML', 400);
    const bodies: Buffer[] = [];
    for (const [index, listed] of parts.entries()) {
      const previous = parts[index - 1];
      if (previous && previous.partNumber >= listed.partNumber) {
        throw new S3Failure('fatal', 'parts are not in ascending order', 'InvalidPartOrder', 400);
      }
      const stored = upload.parts.get(listed.partNumber);
      if (!stored || unquote(stored.etag) !== unquote(listed.etag)) {
        throw new S3Failure('fatal', `part ${listed.partNumber} is not on the server with that ETag`, 'InvalidPart', 400);
      }
      if (index < parts.length - 1 && stored.body.length < MIN_PART_SIZE) {
        throw new S3Failure('fatal', `part ${listed.partNumber} is smaller than 5 MiB`, 'EntityTooSmall', 400);
      }
      if (upload.checksumAlgorithm && listed.checksumSha256 !== sha256Base64Of(stored.body)) {
        throw new S3Failure('fatal', `part ${listed.partNumber} is listed without its right checksum`, 'InvalidPart', 400);
      }
      bodies.push(stored.body);
    }
    const unlisted = upload.parts.size - parts.length;
    if (unlisted > 0 && this.unlistedParts === 'refuse') {
      throw new S3Failure('fatal', `total parts mismatch: have ${upload.parts.size}, expected ${parts.length}`, 'InvalidPart', 400);
    }
    const etag = multipartEtagFor(this.behaviour, bodies);
    this.objects.set(objectKey(location), { body: Buffer.concat(bodies), etag });
    this.uploads.delete(uploadId);
    return { etag };
  }

  async abortMultipartUpload(location: ObjectLocation, uploadId: string): Promise<void> {
    this.enter({ op: 'abortMultipartUpload', uploadId });
    // Already gone is what abort wants (S3ObjectStore swallows NoSuchUpload too).
    const upload = this.uploads.get(uploadId);
    if (upload && objectKey(upload.location) === objectKey(location)) this.uploads.delete(uploadId);
  }

  /** Sorted by the keys' UTF-8 bytes, as S3 lists them; pages of `listPageSize` (the token: the last key given). */
  listPageSize = 1000;

  async listObjectsPage(bucket: string, prefix: string, token: string | undefined, signal?: AbortSignal, startAfter?: string): Promise<{ objects: RemoteObject[]; nextToken?: string }> {
    this.enter({ op: 'listObjects' });
    if (signal?.aborted) throw interrupted();
    const bytes = (key: string) => Buffer.from(key, 'utf8');
    const all = [...this.objects.entries()]
      .filter(([name]) => name.startsWith(`${bucket}/${prefix}`))
      .map(([name, object]) => ({ key: name.slice(bucket.length + 1), size: object.body.length, etag: object.etag }))
      .filter((object) => {
        const after = token ?? startAfter;
        return after === undefined || Buffer.compare(bytes(object.key), bytes(after)) > 0;
      })
      .sort((a, b) => Buffer.compare(bytes(a.key), bytes(b.key)));
    const objects = all.slice(0, this.listPageSize);
    return all.length > objects.length ? { objects, nextToken: (objects[objects.length - 1] as RemoteObject).key } : { objects };
  }

  /** Sorted by key, then upload id, as S3 lists them. */
  async listMultipartUploads(bucket: string, prefix = '', signal?: AbortSignal): Promise<RemoteUpload[]> {
    this.enter({ op: 'listMultipartUploads' });
    if (signal?.aborted) throw interrupted();
    return [...this.uploads.entries()]
      .filter(([, upload]) => upload.location.bucket === bucket && upload.location.key.startsWith(prefix))
      .map(([uploadId, upload]) => ({ key: upload.location.key, uploadId, initiated: upload.initiated }))
      .sort((a, b) => (a.key === b.key ? (a.uploadId < b.uploadId ? -1 : 1) : a.key < b.key ? -1 : 1));
  }

  async headObject(location: ObjectLocation, signal?: AbortSignal): Promise<ObjectHead | undefined> {
    this.enter({ op: 'headObject' });
    if (signal?.aborted) throw interrupted();
    const object = this.objects.get(objectKey(location));
    return object && { size: object.body.length, etag: object.etag };
  }

  async putObject(location: ObjectLocation, body: Uint8Array, digests: BodyDigests, options: SendOptions = {}): Promise<{ etag: string }> {
    this.enter({ op: 'putObject' });
    await this.send(body, options);
    checkBodyDigests(this.behaviour, body, digests);
    const etag = etagFor(this.behaviour, body);
    this.objects.set(objectKey(location), { body: Buffer.from(body), etag });
    return { etag };
  }

  /** Every bucket exists and every key is allowed, unless a failure is injected. */
  async checkAccess(_location: ObjectLocation, signal?: AbortSignal): Promise<void> {
    this.enter({ op: 'checkAccess' });
    if (signal?.aborted) throw interrupted();
  }

  /** Records the call and throws the first matching injected failure. */
  private enter(call: Call): void {
    this.calls.push(call);
    const index = this.failures.findIndex(
      (failure) => failure.op === call.op && (failure.partNumber === undefined || failure.partNumber === call.partNumber),
    );
    if (index >= 0) {
      const [failure] = this.failures.splice(index, 1);
      throw (failure as InjectedFailure).error;
    }
  }

  private requireUpload(location: ObjectLocation, uploadId: string): MultipartUpload {
    const upload = this.uploads.get(uploadId);
    if (!upload || objectKey(upload.location) !== objectKey(location)) throw goneFailure();
    return upload;
  }

  /** Reports the body as sent in chunks, as the real adapter does while the socket drains; each chunk waits for beforeChunk first. */
  private async send(body: Uint8Array, options: SendOptions): Promise<void> {
    let offset = 0;
    while (offset < body.length) {
      if (options.signal?.aborted) throw interrupted();
      const count = Math.min(this.chunkSize, body.length - offset);
      if (options.beforeChunk) {
        try {
          await options.beforeChunk(count);
        } catch {
          throw interrupted(); // the real adapter's body stream fails, and with it the request
        }
      }
      offset += count;
      this.bytesSentCallbacks += 1;
      options.onBytesSent?.(count);
      // Yield between chunks (with a real delay if asked) so other sends and aborts interleave.
      const pause = new Promise((resolve) => (this.chunkDelayMs > 0 ? setTimeout(resolve, this.chunkDelayMs) : setImmediate(resolve)));
      await this.unlessAborted(pause, options.signal);
    }
    if (options.signal?.aborted) throw interrupted();
  }

  /** Waits for `promise`, or fails like a request cut by its abort signal. */
  private unlessAborted(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<void> {
    if (!signal) return promise.then(() => undefined);
    if (signal.aborted) return Promise.reject(interrupted());
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => reject(interrupted());
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(() => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      }, reject);
    });
  }
}

function flipFirstByte(body: Uint8Array): Buffer {
  const copy = Buffer.from(body);
  if (copy.length > 0) copy[0] = (copy[0] as number) ^ 0xff;
  return copy;
}

/** What classifyS3Error makes of the SDK's AbortError. */
function interrupted(): S3Failure {
  return new S3Failure('retryable', 'the request was interrupted', 'AbortError', undefined);
}
