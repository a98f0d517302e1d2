import type { ChecksumAlgorithm, ObjectLocation, TargetConfig } from './records.ts';

/**
 * The S3 calls the engine makes, for one target, and what they answer. The
 * adapter over the AWS SDK lives in main/s3; tests use an in-memory server
 * (testing/memory-object-store.ts) that can act like AWS or like RGW.
 */

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

/** An object as ListObjectsV2 reports it. */
export interface RemoteObject {
  key: string;
  size: number;
  /** As listed (quoted); a multipart object's is "md5-of-md5s-N". */
  etag: string | null;
}

export interface ObjectHead {
  size: number;
  etag: string | null;
  /** Epoch ms, when the server says. */
  lastModified?: number;
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

/** The S3 calls the engine makes, for one target. Errors are thrown as S3Failure (see ../errors.ts). */
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
  /**
   * One page of the objects whose key starts with prefix, in key order;
   * `nextToken` asks for the next page (none after the last). Without a token,
   * `startAfter` begins the listing after that key (S3's StartAfter).
   */
  listObjectsPage(bucket: string, prefix: string, token: string | undefined, signal?: AbortSignal, startAfter?: string): Promise<{ objects: RemoteObject[]; nextToken?: string }>;
  /** undefined when there is no such object. */
  headObject(location: ObjectLocation, signal?: AbortSignal): Promise<ObjectHead | undefined>;
  putObject(location: ObjectLocation, body: Uint8Array, digests: BodyDigests, options?: SendOptions): Promise<{ etag: string }>;
  /** A cheap request without a body that fails as the real request would for a missing bucket or wrong credentials. */
  checkAccess(location: ObjectLocation, signal?: AbortSignal): Promise<void>;
}

/** `targetId` is the upload's saved target (null from the CLI), so a host can pick credentials per target. */
export type ObjectStoreFactory = (target: TargetConfig & { targetId: string | null }) => ObjectStore;

