/**
 * The small ports the engine runs behind. The engine never knows whether it
 * runs in Electron, in the CLI or in a test: it gets an object store per
 * target, a state store, a byte source and a clock.
 */

export type UploadState = 'queued' | 'uploading' | 'paused' | 'completed' | 'failed' | 'cancelled';
export type PartState = 'pending' | 'uploading' | 'done';

/** Where an object goes. `endpoint` is undefined for AWS itself. */
export interface TargetConfig {
  endpoint: string | undefined;
  region: string;
  pathStyle: boolean;
}

export interface ObjectLocation {
  bucket: string;
  key: string;
}

/** One upload as the state database holds it. Times are epoch milliseconds. */
export interface UploadRecord extends TargetConfig, ObjectLocation {
  /** Local id, stable across restarts of the multipart upload. */
  id: string;
  /** The server's multipart upload id; null before it is created and for single PutObject uploads. */
  uploadId: string | null;
  path: string;
  size: number;
  partSize: number;
  singlePut: boolean;
  /** mtime with full precision, as nanoseconds since the epoch (decimal string: it does not fit a double). */
  mtimeNs: string;
  /** Device and inode ("dev:ino"), so a replaced file is noticed even with the same size and mtime. */
  fileId: string;
  /** A cheap content fingerprint taken at start (see file-fingerprint.ts). */
  fingerprint: string;
  startedAt: number;
  updatedAt: number;
  completedAt: number | null;
  state: UploadState;
  lastError: string | null;
  /** How many times the upload had to start over because the server no longer had it. */
  restarts: number;
  /** The object's ETag once completed. */
  etag: string | null;
  /** The app's saved target this upload belongs to; null for uploads started from the CLI. */
  targetId: string | null;
  /** What changed in the source, set when a changed source stopped the upload; it waits for the user then. */
  conflict: string | null;
  /** When the server will discard the current unfinished multipart upload; null when it never does or there is none. */
  expiresAt: number | null;
  /** The checksum the multipart upload was created with, sent with every part and with Complete; null: Content-MD5 only. */
  checksumAlgorithm: ChecksumAlgorithm | null;
  /** The source was missing or unreadable at the last check: kept, with its server parts, until the user decides. */
  sourceMissing: boolean;
  /** How `path` is read: a file, or a folder sent as one archive generated on the fly. */
  sourceKind: SourceKind;
  /** For generated sources, what they were made from when the upload started (a folder listing, JSON); null for files. */
  snapshot: string | null;
}

export type SourceKind = 'file' | 'archive';

/** Checksums beyond MD5 that Hoist computes for every part while reading it. */
export type ChecksumAlgorithm = 'sha256';

export interface PartRecord {
  uploadRecordId: string;
  partNumber: number;
  offset: number;
  size: number;
  state: PartState;
  /** ETag the server returned for this part, as returned (quoted). */
  etag: string | null;
  /** MD5 of the part's bytes, hex. Recorded before the part is sent, so a part the server has but we never recorded can be recognised. */
  md5: string | null;
  /** A stronger checksum, "sha256:hex", taken from the same read as the MD5; null when not computed (older records). */
  checksum: string | null;
  updatedAt: number;
}

export interface UploadEvent {
  uploadRecordId: string;
  at: number;
  kind:
    | 'created'
    | 'resumed'
    | 'restarted'
    | 'adopted-part'
    | 'adopted'
    | 'probed'
    | 'rolled-over'
    | 'rollover-skipped'
    | 'completed'
    | 'failed'
    | 'paused'
    | 'cancelled'
    | 'source-missing';
  message: string;
}

export type NewUpload = Omit<
  UploadRecord,
  | 'updatedAt'
  | 'completedAt'
  | 'lastError'
  | 'restarts'
  | 'etag'
  | 'uploadId'
  | 'targetId'
  | 'conflict'
  | 'expiresAt'
  | 'checksumAlgorithm'
  | 'sourceMissing'
  | 'sourceKind'
  | 'snapshot'
> & { targetId?: string | null; sourceKind?: SourceKind; snapshot?: string | null };

/** What an upload knows about its source and how it is cut into parts: replaced together when the source changed. */
export type SourceFacts = Pick<UploadRecord, 'size' | 'mtimeNs' | 'fileId' | 'fingerprint' | 'partSize' | 'singlePut' | 'snapshot'>;

/** A part of the new plan for reuseSource; `kept` holds what the server has for a part whose bytes did not change. */
export interface PlannedReuse {
  partNumber: number;
  offset: number;
  size: number;
  kept: { etag: string; md5: string; checksum: string | null } | null;
}

/**
 * What a server does with the integrity headers Hoist can send, probed once
 * per endpoint and bucket (see probe-capabilities.ts). 'verified': a wrong
 * value is refused; 'ignored': accepted, right or wrong; 'rejected': a request
 * carrying even a right value is refused, so it is never sent there.
 */
export interface TargetCapabilities {
  contentMd5: HeaderSupport;
  checksumSha256: HeaderSupport;
  /** ListParts reports each part's SHA-256 for an upload created with that algorithm. */
  returnsChecksums: boolean;
  /** A part's ETag is the MD5 of its bytes (not so with SSE-KMS, for one): only then can an ETag vouch for bytes. */
  etagIsMd5: boolean;
  probedAt: number;
}
export type HeaderSupport = 'verified' | 'ignored' | 'rejected';

/** What the engine needs from durable state. Every method is synchronous and durable when it returns. */
export interface StateStore {
  /** Creates the upload and all its parts (state 'pending') in one transaction. */
  createUpload(upload: NewUpload, parts: ReadonlyArray<{ partNumber: number; offset: number; size: number }>): UploadRecord;
  getUpload(id: string): UploadRecord | undefined;
  listUploads(): UploadRecord[];
  /** Uploads not completed and not cancelled. */
  listUnfinished(): UploadRecord[];
  findUnfinished(path: string, location: ObjectLocation, endpoint: string | undefined): UploadRecord | undefined;
  listParts(id: string): PartRecord[];
  /** The multipart upload now in use and the checksum algorithm it was created with. */
  setUploadId(id: string, uploadId: string | null, checksumAlgorithm?: ChecksumAlgorithm | null): void;
  setState(id: string, state: UploadState, lastError?: string | null): void;
  /** Recorded before a part's first byte is sent: the part's MD5 is known from here on. */
  markPartStarted(id: string, partNumber: number, md5: string, checksum: string | null): void;
  /** Recorded after the server acknowledged the part; md5 and checksum only when not recorded at its start (adopted parts). */
  markPartDone(id: string, partNumber: number, etag: string, md5?: string, checksum?: string | null): void;
  /** A part that did not finish goes back to pending (its MD5 stays recorded). */
  markPartPending(id: string, partNumber: number): void;
  /** The server lost the upload: a fresh multipart upload replaces it, every part is pending again, restarts + 1. */
  restartUpload(id: string, newUploadId: string | null, checksumAlgorithm?: ChecksumAlgorithm | null): void;
  /** Completed: also clears lastError, conflict and expiresAt. */
  markCompleted(id: string, etag: string | null): void;
  setConflict(id: string, conflict: string | null): void;
  setExpiresAt(id: string, expiresAt: number | null): void;
  setSourceMissing(id: string, missing: boolean): void;
  /** What was probed for this endpoint (undefined: AWS itself) and bucket; undefined when never probed. */
  getCapabilities(endpoint: string | undefined, bucket: string): TargetCapabilities | undefined;
  saveCapabilities(endpoint: string | undefined, bucket: string, capabilities: TargetCapabilities): void;
  /**
   * The user chose to upload the changed source from the start, in one
   * transaction: the new source facts, every part replaced by the new plan
   * (pending), no multipart upload, no conflict, state 'queued'; restarts unchanged.
   */
  replaceSource(id: string, source: SourceFacts, parts: ReadonlyArray<{ partNumber: number; offset: number; size: number }>): void;
  /**
   * The user chose to keep the parts of the changed source that still read the
   * same, in one transaction: the new source facts, every part replaced by the
   * new plan (a part given an etag and md5 is kept done with them, the others
   * pending), the multipart upload and its expiry kept, no conflict, state 'queued'.
   */
  reuseSource(id: string, source: SourceFacts, parts: ReadonlyArray<PlannedReuse>): void;
  deleteUpload(id: string): void;
  recordEvent(event: Omit<UploadEvent, 'at'> & { at?: number }): void;
  listEvents(id: string): UploadEvent[];
  /** Removes completed and cancelled uploads finished before the given time; returns their ids. */
  pruneFinished(finishedBefore: number): string[];
  close(): void;
}

export interface RemotePart {
  partNumber: number;
  etag: string;
  size: number;
  /** The part's SHA-256 (base64) when the server reports it. */
  checksumSha256?: string;
}

export type RemoteParts = RemotePart[] & { abortDate?: number };

/** The integrity headers to send with a body; a digest left out is not sent. */
export interface BodyDigests {
  md5Base64?: string;
  sha256Base64?: string;
}

/** A part as CompleteMultipartUpload lists it; the checksum goes when the upload was created with one. */
export interface CompletedPart {
  partNumber: number;
  etag: string;
  checksumSha256?: string;
}

/** An unfinished multipart upload as ListMultipartUploads reports it. */
export interface RemoteUpload {
  key: string;
  uploadId: string;
  /** When it was created, epoch milliseconds; null when the server did not say. */
  initiated: number | null;
}

export interface ObjectHead {
  size: number;
  etag: string | null;
}

export interface SendOptions {
  signal?: AbortSignal;
  /** Called with the number of body bytes handed to the network since the last call. */
  onBytesSent?: (bytes: number) => void;
  /** Awaited before each chunk of the body is handed to the network (a shared bandwidth limit waits here). */
  beforeChunk?: (bytes: number) => Promise<void> | void;
  /** The size of the next chunk handed to the network (asked before each chunk); the adapter's default otherwise. */
  chunkBytes?: () => number;
}

/** The S3 calls the engine makes, for one target. Errors are thrown as S3Failure (see errors.ts). */
export interface ObjectStore {
  /** `abortDate` (epoch ms): when the server says it will discard the upload (a lifecycle rule), if it says. */
  createMultipartUpload(location: ObjectLocation, options?: { checksumAlgorithm?: ChecksumAlgorithm }): Promise<{ uploadId: string; abortDate?: number }>;
  uploadPart(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    body: Uint8Array,
    digests: BodyDigests,
    options?: SendOptions,
  ): Promise<{ etag: string }>;
  /** Copies bytes `range` (inclusive) of an existing object into a part, server-side: nothing is sent from here. */
  uploadPartCopy(
    location: ObjectLocation,
    uploadId: string,
    partNumber: number,
    source: ObjectLocation,
    range: { first: number; last: number },
    signal?: AbortSignal,
  ): Promise<{ etag: string }>;
  /** Every part the server holds for the upload, all pages read; with the server's abort date (epoch ms) when it gives one. */
  listParts(location: ObjectLocation, uploadId: string, signal?: AbortSignal): Promise<RemoteParts>;
  completeMultipartUpload(
    location: ObjectLocation,
    uploadId: string,
    parts: ReadonlyArray<CompletedPart>,
    signal?: AbortSignal,
  ): Promise<{ etag: string | null }>;
  abortMultipartUpload(location: ObjectLocation, uploadId: string): Promise<void>;
  /** Every unfinished multipart upload in the bucket whose key starts with prefix, all pages read. */
  listMultipartUploads(bucket: string, prefix?: string, signal?: AbortSignal): Promise<RemoteUpload[]>;
  /** undefined when there is no such object. */
  headObject(location: ObjectLocation, signal?: AbortSignal): Promise<ObjectHead | undefined>;
  putObject(location: ObjectLocation, body: Uint8Array, digests: BodyDigests, options?: SendOptions): Promise<{ etag: string }>;
  /** A cheap request without a body that fails as the real request would for a missing bucket or wrong credentials. */
  checkAccess(location: ObjectLocation, signal?: AbortSignal): Promise<void>;
}

/** `targetId` is the upload's saved target (null from the CLI), so a host can pick credentials per target. */
export type ObjectStoreFactory = (target: TargetConfig & { targetId: string | null }) => ObjectStore;

export interface SourceStat {
  size: number;
  mtimeNs: string;
  fileId: string;
  /** What a generated source is made from (a folder listing, JSON), to name what changed later. */
  snapshot?: string;
}

/** An open source of bytes (a file, for now). */
export interface ByteReader {
  /**
   * `length` bytes from `offset`. Given `into` (at least `length` long), a
   * reader may fill it and return it instead of allocating (see
   * part-buffers.ts); one that makes its own bytes may ignore it.
   */
  read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array>;
  close(): Promise<void>;
}

export interface ByteSource {
  stat(path: string): Promise<SourceStat>;
  /** For a sequentialOnly source, reads must come in non-decreasing offset order. */
  open(path: string): Promise<ByteReader>;
  /** A cheap fingerprint of the content: see file-fingerprint.ts. */
  fingerprint(path: string, size: number): Promise<string>;
  /**
   * The bytes are generated as a stream from the start (an archive of a
   * folder): no random access, so on resume every part is regenerated in
   * order and a completed one is checked against its recorded digests
   * before it is skipped.
   */
  readonly sequentialOnly?: boolean;
  /** What changed between two snapshots, in words (e.g. "photos/a.jpg: size 100 → 120"). */
  describeChange?(before: string, after: string): string[];
  /** What an offset of the generated bytes comes from (e.g. "inside photos/a.jpg"). */
  describeOffset?(snapshot: string, offset: number): string | undefined;
}

export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
