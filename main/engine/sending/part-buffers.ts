/**
 * Part-sized buffers handed from one part to the next instead of allocated per
 * part. At 8 MiB a part, a fresh buffer each time leaves the old ones for the
 * garbage collector, which frees them late: memory then grows with the file's
 * length, not with the parts in flight, and the collector's passes cost CPU.
 * One pool serves one upload's pump; its buffers are never shared between
 * parts in flight, and a buffer goes back only when its part is finished with
 * (sent, failed or checked), so no request can still be reading it.
 * The memory is shared so the hashing thread can read a part where it lies
 * (see main/platform/part-hasher-thread.ts).
 */
export class PartBuffers {
  private readonly free: Uint8Array[] = [];

  constructor(private readonly capacity: number) {}

  /** A buffer of at least `length` bytes (exactly `length` long), and the way to hand it back. */
  take(length: number): { bytes: Uint8Array; release: () => void } {
    if (length > this.capacity) return { bytes: new Uint8Array(length), release: () => undefined };
    const buffer = this.free.pop() ?? new Uint8Array(new SharedArrayBuffer(this.capacity));
    let released = false;
    return {
      bytes: buffer.subarray(0, length),
      release: () => {
        if (released) return;
        released = true;
        this.free.push(buffer);
      },
    };
  }

  /** How many buffers wait to be reused (for tests). */
  get idle(): number {
    return this.free.length;
  }
}
