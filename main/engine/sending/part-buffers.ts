/**
 * Part-sized buffers handed from one part to the next instead of allocated per
 * part. At 8 MiB a part, a fresh buffer each time leaves the old ones for the
 * garbage collector, which frees them late: memory then grows with the file's
 * length, not with the parts in flight, and the collector's passes cost CPU.
 *
 * One pool serves the whole engine, every upload: a part takes a buffer only
 * while it holds one of the engine's part slots, so at most `limit` (the
 * concurrency) are in use at once, and the pool keeps no more than `limit` in
 * all, idle ones included. A pool per upload would keep its idle buffers while
 * other uploads allocate theirs: with 4 uploads running, 16 part buffers held
 * where the README promises 4.
 *
 * Uploads may have different part sizes: a part gets the smallest idle buffer
 * that fits; when none fits, a new one of the upload's part size is made and,
 * if the pool is full, an idle one too small is let go. A buffer is never
 * shared between parts in flight, and goes back only when its part is
 * finished with (sent, failed or checked), so no request can still be reading
 * it. The memory is shared so the hashing thread can read a part where it
 * lies (see main/platform/part-hasher-thread.ts).
 */
export class PartBuffers {
  private readonly free: Uint8Array[] = [];
  private inUse = 0;
  private made = 0;

  constructor(private limit: number) {}

  /** The concurrency changed: keep at most this many buffers from now on. */
  setLimit(limit: number): void {
    this.limit = limit;
    while (this.free.length > 0 && this.held > this.limit) this.free.pop();
  }

  /**
   * A buffer of exactly `length` bytes (a view of one of at least `capacity`,
   * the upload's part size, so it serves the upload's other parts too), and
   * the way to hand it back.
   */
  take(length: number, capacity = length): { bytes: Uint8Array; release: () => void } {
    const buffer = this.reuse(length) ?? this.make(Math.max(length, capacity));
    this.inUse += 1;
    let released = false;
    return {
      bytes: buffer.subarray(0, length),
      release: () => {
        if (released) return;
        released = true;
        this.inUse -= 1;
        if (this.held < this.limit) this.free.push(buffer);
      },
    };
  }

  /** Buffers waiting to be reused. */
  get idle(): number {
    return this.free.length;
  }

  /** Buffers the pool holds, in use or idle: never more than the limit once parts are finished with. */
  get held(): number {
    return this.free.length + this.inUse;
  }

  /** Buffers made since the pool was created (the rest were reused). */
  get allocated(): number {
    return this.made;
  }

  private reuse(length: number): Uint8Array | undefined {
    let best = -1;
    this.free.forEach((buffer, index) => {
      const fits = buffer.byteLength >= length;
      if (fits && (best < 0 || buffer.byteLength < (this.free[best] as Uint8Array).byteLength)) best = index;
    });
    return best < 0 ? undefined : this.free.splice(best, 1)[0];
  }

  private make(capacity: number): Uint8Array {
    // Full: an idle buffer too small for this part makes room (the largest idle ones are likelier to fit later parts).
    if (this.held >= this.limit && this.free.length > 0) {
      const smallest = this.free.reduce((at, buffer, index) => (buffer.byteLength < (this.free[at] as Uint8Array).byteLength ? index : at), 0);
      this.free.splice(smallest, 1);
    }
    this.made += 1;
    return new Uint8Array(new SharedArrayBuffer(capacity));
  }
}
