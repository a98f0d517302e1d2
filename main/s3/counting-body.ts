import { Readable } from 'node:stream';
import type { SendOptions } from '../engine/ports/object-store.ts';

/**
 * The step when the engine does not choose one (see TokenBucket.stepBytes):
 * small enough that a shared bandwidth limit hands out bytes in short steps (a
 * socket idle past the stall timeout is cut).
 */
const DEFAULT_CHUNK = 64 * 1024;
const HIGH_WATER_MARK = 256 * 1024;

/**
 * A stream over an in-memory part, so the SDK sends it with a Content-Length
 * and an unsigned payload (no second SHA-256 pass over the bytes: Content-MD5
 * already protects them), and so progress is reported as the bytes are pulled
 * onto the socket. A fresh stream is made for every attempt.
 *
 * `beforeChunk` is awaited before each chunk is handed on (the engine's shared
 * bandwidth limit); if it rejects, the stream fails and the request with it.
 * `chunkBytes`, asked before each chunk, sizes it.
 */
export function countingBody(bytes: Uint8Array, options: Pick<SendOptions, 'onBytesSent' | 'beforeChunk' | 'chunkBytes'> = {}): Readable {
  const { onBytesSent: onBytes, beforeChunk, chunkBytes } = options;
  let offset = 0;
  return new Readable({
    highWaterMark: HIGH_WATER_MARK,
    read() {
      if (offset >= bytes.length) {
        this.push(null);
        return;
      }
      const step = Math.max(1, chunkBytes?.() ?? DEFAULT_CHUNK);
      const chunk = bytes.subarray(offset, Math.min(offset + step, bytes.length));
      offset += chunk.length;
      const push = (): void => {
        if (this.destroyed) return; // the request ended while this chunk waited
        onBytes?.(chunk.length);
        this.push(chunk);
      };
      // A throttle wait fails when the request was aborted (pause, cancel,
      // shutdown); by then the SDK has let go of the body, and an 'error'
      // nobody listens to would crash the process. Fail loudly only when
      // someone is there to hear it.
      const fail = (error: unknown): void => {
        if (this.listenerCount('error') > 0) this.destroy(error as Error);
        else this.destroy();
      };
      let waiting: Promise<void> | void;
      try {
        waiting = beforeChunk?.(chunk.length);
      } catch (error) {
        fail(error);
        return;
      }
      // Readable calls read() again only after a push, so one chunk waits at a time.
      if (waiting) waiting.then(push, fail);
      else push();
    },
  });
}
