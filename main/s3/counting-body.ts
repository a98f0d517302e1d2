import { Readable } from 'node:stream';

const CHUNK = 256 * 1024;

/**
 * A stream over an in-memory part, so the SDK sends it with a Content-Length
 * and an unsigned payload (no second SHA-256 pass over the bytes: Content-MD5
 * already protects them), and so progress is reported as the bytes are pulled
 * onto the socket. A fresh stream is made for every attempt.
 */
export function countingBody(bytes: Uint8Array, onBytes?: (count: number) => void): Readable {
  let offset = 0;
  return new Readable({
    highWaterMark: CHUNK,
    read() {
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      const chunk = bytes.subarray(offset, Math.min(offset + CHUNK, bytes.length));
      offset += chunk.length;
      onBytes?.(chunk.length);
      this.push(chunk);
    },
  });
}
