/**
 * The digests of one part's bytes, taken from the buffer read for sending (no
 * second pass over the file): MD5, which S3 checks as Content-MD5 and returns
 * as the part's ETag, and SHA-256, the stronger checksum kept in the state
 * database to recognise the part's bytes on resume and sent to targets that
 * verify it.
 */
export interface PartDigest {
  md5Hex: string;
  md5Base64: string;
  sha256Base64: string;
  /** As stored in the parts table: "sha256:<hex>". */
  checksum: string;
}

/**
 * Hashes parts for sending. The engine hashes on its own thread unless a host
 * gives it a faster one (main/platform/part-hasher-thread.ts hashes parts in
 * shared memory on a worker thread, beside the sending). Digests must come
 * back in the order they were asked for: parts start in that order.
 */
export interface PartHasher {
  digest(bytes: Uint8Array): Promise<PartDigest>;
  /**
   * The raw MD5 alone, for a file sent whole (its Content-MD5 and ETag; no
   * part to recognise later, so no SHA-256 to pay for). Optional: without it
   * the engine hashes such files on its own thread.
   */
  md5?(bytes: Uint8Array): Promise<Uint8Array>;
}
