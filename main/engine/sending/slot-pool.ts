import { StoppedError } from '../errors.ts';

/**
 * A counting semaphore shared by every upload: it bounds the parts in flight
 * (and so memory: slots × part size) across all files at once.
 */
export class SlotPool {
  private inUse = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private capacity: number) {
    if (capacity < 1) throw new RangeError('a slot pool needs at least one slot');
  }

  get size(): number {
    return this.capacity;
  }

  /** Changing capacity takes effect as slots are released. */
  resize(capacity: number): void {
    this.capacity = Math.max(1, capacity);
    this.wakeWaiters();
  }

  /** Waits for a free slot. Rejects with the signal's StoppedError when stopped while waiting. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.inUse += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.inUse -= 1;
          this.wakeWaiters();
        });
      };
      const onAbort = (): void => {
        const index = this.waiting.indexOf(grant);
        if (index >= 0) this.waiting.splice(index, 1);
        const reason: unknown = signal?.reason;
        reject(reason instanceof StoppedError ? reason : new StoppedError('shutdown'));
      };
      if (signal?.aborted) {
        onAbort();
        return;
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(grant);
      this.wakeWaiters();
    });
  }

  private wakeWaiters(): void {
    while (this.inUse < this.capacity && this.waiting.length > 0) this.waiting.shift()?.();
  }
}
