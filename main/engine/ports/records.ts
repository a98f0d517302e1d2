/**
 * The records the engine and its ports talk about: an upload, its parts, its
 * history, what a target can verify. Plain data, no behaviour: every port and
 * every stage of the engine shares these shapes.
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
  /** A cheap content fingerprint taken at start (see main/source/file-source.ts). */
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
  /** The folder (sent as one object per file) this file's upload belongs to; null for an upload of its own. */
  folderId: string | null;
  /**
   * What was at the key when the upload started (or what the user since agreed to replace): an object Hoist finds
   * there before completing that is not this one was written by someone else meanwhile. null: not known (older records).
   */
  keyAtStart: KeyState | null;
  /** An object someone else wrote at the key while this upload ran, found before Complete: the upload waits in conflict. */
  foreignObject: KeyObject | null;
}

/** An object at a key, as HeadObject describes it. */
export interface KeyObject {
  etag: string;
  size: number;
}

/** What is at a key: an object, or nothing. */
export type KeyState = KeyObject | 'none';

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
    /** The server had unfinished uploads of the key, and none was continued: why (what was found). */
    | 'not-adopted'
    | 'probed'
    | 'rolled-over'
    | 'rollover-skipped'
    | 'completed'
    | 'failed'
    | 'paused'
    | 'cancelled'
    | 'source-missing'
    /** The failure was permanent (wrong bucket, credentials): only the user's Retry tries again. */
    | 'waits-for-retry';
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
  | 'folderId'
  | 'keyAtStart'
  | 'foreignObject'
> & { targetId?: string | null; sourceKind?: SourceKind; snapshot?: string | null; folderId?: string | null };

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
 * per endpoint and bucket (see ../capabilities/probe-capabilities.ts). 'verified': a wrong
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

