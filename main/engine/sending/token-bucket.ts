import type { Clock } from '../ports/clock.ts';
import { stoppedErrorFor } from './retry-budget.ts';

/** Tokens saved up while idle, as time at the current rate: a short burst, not a second's worth. */
const BURST_MS = 250;
/** The longest single wait, so a changed rate (or a lifted limit) takes effect within this. */
const MAX_WAIT_MS = 100;
/** See stepBytes. */
export const LIMITED_STEP_BYTES = 64 * 1024;
export const FREE_STEP_BYTES = 1024 * 1024;

interface Waiter {
  bytes: number;
  grant(): void;
}

/**
 * A shared bandwidth limit over every upload. Senders ask for each chunk
 * before handing it to the network and are served first come, first served,
 * so no upload starves (a socket left idle past the stall timeout would be
 * cut). A chunk is granted whenever the balance is not negative and may take
 * it below zero; the debt is paid back at the rate before the next grant, so
 * over any interval at most rate × time + the burst + one chunk goes out.
 * Rate 0 means no limit: take() then returns at once without a promise.
 */
export class TokenBucket {
  private rate = 0;
  private tokens = 0;
  private refilledAt: number;
  private readonly queue: Waiter[] = [];
  private pumping = false;

  constructor(
    private readonly clock: Clock,
    bytesPerSecond = 0,
  ) {
    this.refilledAt = clock.now();
    this.setRate(bytesPerSecond);
  }

  get bytesPerSecond(): number {
    return this.rate;
  }

  setRate(bytesPerSecond: number): void {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond < 0) throw new RangeError(`invalid bandwidth limit ${bytesPerSecond}`);
    this.refill();
    this.rate = bytesPerSecond;
    // Nothing saved up under the old rate may burst out under the new one.
    this.tokens = Math.min(this.tokens, this.capacity());
  }

  /**
   * How much a sender should hand to the network at a time. Under a limit,
   * small steps, so bytes go out evenly and no socket waits long for its turn
   * (one idle past the stall timeout is cut). Without one, large steps: fewer
   * trips through the stream machinery for the same bytes, less CPU.
   */
  stepBytes(): number {
    return this.rate > 0 ? LIMITED_STEP_BYTES : FREE_STEP_BYTES;
  }

  /** Resolves when `bytes` may be sent; rejects with the signal's StoppedError when stopped while waiting. */
  take(bytes: number, signal?: AbortSignal): Promise<void> | void {
    if (signal?.aborted) throw stoppedErrorFor(signal);
    if (this.queue.length === 0) {
      if (this.rate === 0) return;
      this.refill();
      if (this.tokens >= 0) {
        this.tokens -= bytes;
        return;
      }
    }
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const index = this.queue.indexOf(waiter);
        if (index >= 0) this.queue.splice(index, 1);
        reject(stoppedErrorFor(signal as AbortSignal));
      };
      const waiter: Waiter = {
        bytes,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(waiter);
      void this.pump();
    });
  }

  /** One loop at a time serves the queue in order, sleeping while the balance is negative. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0) {
        this.refill();
        if (this.rate === 0 || this.tokens >= 0) {
          const waiter = this.queue.shift() as Waiter;
          if (this.rate > 0) this.tokens -= waiter.bytes;
          waiter.grant();
          continue;
        }
        const waitMs = Math.ceil((-this.tokens / this.rate) * 1000);
        await this.clock.sleep(Math.min(MAX_WAIT_MS, Math.max(1, waitMs)));
      }
    } finally {
      this.pumping = false;
    }
  }

  private capacity(): number {
    return (this.rate * BURST_MS) / 1000;
  }

  private refill(): void {
    const now = this.clock.now();
    if (this.rate > 0) this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }
}
