import { describe, expect, it } from 'vitest';
import { StoppedError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { FREE_STEP_BYTES, LIMITED_STEP_BYTES, TokenBucket } from './token-bucket.ts';

/** A clock that moves only when the test says so; sleepers wake in time order. */
class ManualClock implements Clock {
  time = 0;
  private timers: Array<{ at: number; wake: () => void }> = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.time + ms, wake: resolve }));
  }

  /** Moves time forward a millisecond at a time, waking sleepers when due and letting the woken code run. */
  async advance(ms: number): Promise<void> {
    for (let tick = 0; tick < ms; tick += 1) {
      this.time += 1;
      const due = this.timers.filter((timer) => timer.at <= this.time);
      this.timers = this.timers.filter((timer) => timer.at > this.time);
      for (const timer of due) timer.wake();
      await settle();
    }
  }
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

const KiB = 1024;
const CHUNK = 64 * KiB;

/** Senders that each ask for chunk after chunk, counting what was granted; sending a chunk takes a turn of the event loop. */
function startSenders(bucket: TokenBucket, count: number, signal?: AbortSignal) {
  const granted = Array.from({ length: count }, () => 0);
  let stopped = false;
  const loops = granted.map(async (_, index) => {
    while (!stopped) {
      await bucket.take(CHUNK, signal);
      granted[index] = (granted[index] ?? 0) + CHUNK;
      await settle();
    }
  });
  return {
    granted,
    total: () => granted.reduce((sum, bytes) => sum + bytes, 0),
    stop: () => {
      stopped = true;
      return Promise.allSettled(loops);
    },
  };
}

describe('TokenBucket', () => {
  it('without a limit grants at once, without a promise', () => {
    const bucket = new TokenBucket(new ManualClock());
    expect(bucket.take(10 * 1024 * 1024)).toBeUndefined();
  });

  it('asks for large steps without a limit and small ones under a limit, following the rate as it changes', () => {
    const bucket = new TokenBucket(new ManualClock());
    expect(bucket.stepBytes()).toBe(FREE_STEP_BYTES);
    bucket.setRate(100 * KiB);
    expect(bucket.stepBytes()).toBe(LIMITED_STEP_BYTES);
    expect(LIMITED_STEP_BYTES).toBeLessThan(FREE_STEP_BYTES);
    bucket.setRate(0);
    expect(bucket.stepBytes()).toBe(FREE_STEP_BYTES);
  });

  it('holds three senders together to the rate, second by second, and shares it evenly', async () => {
    const clock = new ManualClock();
    const rate = 1024 * KiB;
    const bucket = new TokenBucket(clock, rate);
    const senders = startSenders(bucket, 3);
    const perSecond: number[] = [];
    let before = 0;
    for (let second = 0; second < 10; second += 1) {
      for (let step = 0; step < 20; step += 1) await clock.advance(50);
      perSecond.push(senders.total() - before);
      before = senders.total();
    }
    bucket.setRate(0);
    await clock.advance(100);
    await senders.stop();

    // Over the whole run: the rate, plus at most the burst and one chunk of debt.
    expect(before).toBeLessThanOrEqual(10 * rate + rate / 4 + CHUNK);
    expect(before).toBeGreaterThanOrEqual(10 * rate - CHUNK);
    for (const bytes of perSecond.slice(1)) {
      expect(bytes).toBeGreaterThanOrEqual(rate - 2 * CHUNK);
      expect(bytes).toBeLessThanOrEqual(rate + 2 * CHUNK);
    }
    const [a, b, c] = senders.granted.map((bytes) => bytes / CHUNK);
    expect(Math.max(a ?? 0, b ?? 0, c ?? 0) - Math.min(a ?? 0, b ?? 0, c ?? 0)).toBeLessThanOrEqual(1);
  });

  it('follows a rate change within a wait step, and lifting the limit releases every sender', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 512 * KiB);
    const senders = startSenders(bucket, 2);
    await clock.advance(2000);
    const atSlowRate = senders.total();
    bucket.setRate(2048 * KiB);
    await clock.advance(2000);
    const atFastRate = senders.total() - atSlowRate;
    expect(atSlowRate).toBeLessThanOrEqual(2 * 512 * KiB + 128 * KiB + CHUNK);
    expect(atFastRate).toBeGreaterThanOrEqual(2 * 2048 * KiB - 2 * CHUNK);
    expect(atFastRate).toBeLessThanOrEqual(2 * 2048 * KiB + 2 * CHUNK);

    bucket.setRate(0);
    await clock.advance(100);
    const unlimitedFrom = senders.total();
    await settle();
    await settle();
    // No time passes, yet chunks keep being granted: there is no limit any more.
    expect(senders.total()).toBeGreaterThan(unlimitedFrom);
    await senders.stop();
  });

  it('a sender stopped while waiting leaves the queue with its StoppedError; the others go on', async () => {
    const clock = new ManualClock();
    const bucket = new TokenBucket(clock, 64 * KiB);
    await bucket.take(CHUNK); // the balance is now one chunk in debt
    const controller = new AbortController();
    const waiting = bucket.take(CHUNK, controller.signal);
    const other = bucket.take(CHUNK);
    controller.abort(new StoppedError('paused'));
    await expect(waiting).rejects.toBeInstanceOf(StoppedError);
    let otherDone = false;
    void Promise.resolve(other).then(() => (otherDone = true));
    await clock.advance(999);
    expect(otherDone).toBe(false);
    await clock.advance(2);
    expect(otherDone).toBe(true);
    expect(() => bucket.take(1, controller.signal)).toThrow(StoppedError);
  });

  it('refuses a negative or non-numeric rate', () => {
    const bucket = new TokenBucket(new ManualClock());
    expect(() => bucket.setRate(-1)).toThrow(RangeError);
    expect(() => bucket.setRate(Number.NaN)).toThrow(RangeError);
  });
});
