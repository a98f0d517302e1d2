import { describe, expect, it, vi } from 'vitest';
import { S3Failure, StoppedError } from '../errors.ts';
import type { Clock } from '../ports/clock.ts';
import { RetryBudget, stoppedErrorFor, throwIfStopped, withRetries } from './retry-budget.ts';
import type { RetryPolicy } from './retry-budget.ts';

const POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500 };

/** A clock whose sleep returns at once (so tests do not wait) and remembers what it was asked to sleep. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => 0,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw new DOMException('aborted', 'AbortError');
    },
  };
}

const retryable = (code = 'InternalError'): S3Failure => new S3Failure('retryable', `temporary (${code})`, code, 500);

/** An attempt that fails with the given errors in turn, then returns 'ok'. */
function failingThen(...errors: unknown[]): () => Promise<string> {
  const queue = [...errors];
  return vi.fn(async () => {
    if (queue.length > 0) throw queue.shift();
    return 'ok';
  });
}

describe('RetryBudget', () => {
  it('grows the delay ceiling exponentially and stays within [ceiling/2, ceiling]', () => {
    const low = new RetryBudget(POLICY, () => 0);
    const high = new RetryBudget(POLICY, () => 0.999999);
    // Ceilings: 100, 200, 400, then capped at 500.
    expect([low.nextDelay(), low.nextDelay(), low.nextDelay(), low.nextDelay()]).toEqual([50, 100, 200, 250]);
    expect([high.nextDelay(), high.nextDelay(), high.nextDelay(), high.nextDelay()]).toEqual([100, 200, 400, 500]);
  });

  it('never exceeds maxDelayMs however many retries are allowed', () => {
    const budget = new RetryBudget({ maxRetries: 40, baseDelayMs: 100, maxDelayMs: 1_000 }, () => 0.999999);
    const delays = Array.from({ length: 40 }, () => budget.nextDelay() as number);
    expect(Math.max(...delays)).toBe(1_000);
    expect(delays.slice(-5)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
  });

  it('applies jitter from the random source', () => {
    const budget = new RetryBudget(POLICY, () => 0.5);
    expect(budget.nextDelay()).toBe(75); // 50 + 0.5 * 50
  });

  it('is spent after maxRetries delays in a row', () => {
    const budget = new RetryBudget(POLICY, () => 0);
    for (let i = 0; i < POLICY.maxRetries; i += 1) expect(budget.nextDelay()).toBeTypeOf('number');
    expect(budget.retriesInARow).toBe(POLICY.maxRetries);
    expect(budget.nextDelay()).toBeUndefined();
    expect(budget.nextDelay()).toBeUndefined();
  });

  it('starts over (budget and delays) when progress is made', () => {
    const budget = new RetryBudget(POLICY, () => 0);
    for (let i = 0; i < POLICY.maxRetries; i += 1) budget.nextDelay();
    expect(budget.nextDelay()).toBeUndefined();
    budget.progressMade();
    expect(budget.retriesInARow).toBe(0);
    expect(budget.nextDelay()).toBe(50); // back to the first, smallest delay
  });

  it('allows no retry at all with maxRetries 0', () => {
    expect(new RetryBudget({ ...POLICY, maxRetries: 0 }).nextDelay()).toBeUndefined();
  });
});

describe('withRetries', () => {
  const signal = (): AbortSignal => new AbortController().signal;

  it('returns the first successful result without sleeping', async () => {
    const clock = recordingClock();
    await expect(withRetries(failingThen(), new RetryBudget(POLICY), clock, signal())).resolves.toBe('ok');
    expect(clock.sleeps).toEqual([]);
  });

  it('retries retryable S3Failures, sleeping the budget delay, and reports each retry', async () => {
    const clock = recordingClock();
    const attempt = failingThen(retryable('SlowDown'), retryable('InternalError'));
    const onRetry = vi.fn<(failure: S3Failure, delayMs: number) => void>();
    const result = await withRetries(attempt, new RetryBudget(POLICY, () => 0), clock, signal(), onRetry);
    expect(result).toBe('ok');
    expect(attempt).toHaveBeenCalledTimes(3);
    expect(clock.sleeps).toEqual([50, 100]);
    expect(onRetry.mock.calls.map(([failure, delay]) => [failure.code, delay])).toEqual([
      ['SlowDown', 50],
      ['InternalError', 100],
    ]);
  });

  it.each([
    ['fatal', new S3Failure('fatal', 'access denied', 'AccessDenied', 403)],
    ['upload-gone', new S3Failure('upload-gone', 'gone', 'NoSuchUpload', 404)],
    ['a non-S3 error', new TypeError('bug')],
    ['a StoppedError', new StoppedError('paused')],
  ])('throws %s at once', async (_label, error) => {
    const clock = recordingClock();
    const attempt = failingThen(error);
    await expect(withRetries(attempt, new RetryBudget(POLICY), clock, signal())).rejects.toBe(error);
    expect(attempt).toHaveBeenCalledTimes(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives up after the budget and throws the last failure', async () => {
    const clock = recordingClock();
    const failures = Array.from({ length: POLICY.maxRetries + 1 }, (_, i) => retryable(`E${i}`));
    const attempt = failingThen(...failures, 'never reached');
    await expect(withRetries(attempt, new RetryBudget(POLICY), clock, signal())).rejects.toBe(failures.at(-1));
    expect(attempt).toHaveBeenCalledTimes(POLICY.maxRetries + 1);
    expect(clock.sleeps).toHaveLength(POLICY.maxRetries);
  });

  it('shares one budget between calls: retries in a row add up until progress is made', async () => {
    const clock = recordingClock();
    const budget = new RetryBudget({ ...POLICY, maxRetries: 2 });
    await withRetries(failingThen(retryable()), budget, clock, signal());
    await expect(withRetries(failingThen(retryable(), retryable()), budget, clock, signal())).rejects.toBeInstanceOf(S3Failure);
    budget.progressMade();
    await expect(withRetries(failingThen(retryable(), retryable()), budget, clock, signal())).resolves.toBe('ok');
  });

  it('stops with the StoppedError of the signal when aborted during the sleep', async () => {
    const controller = new AbortController();
    const stop = new StoppedError('paused');
    const clock: Clock = {
      now: () => 0,
      // The user pauses while the engine waits to retry; sleep rejects as the real clock does.
      sleep: async () => {
        controller.abort(stop);
        throw new DOMException('aborted', 'AbortError');
      },
    };
    const attempt = failingThen(retryable(), retryable());
    await expect(withRetries(attempt, new RetryBudget(POLICY), clock, controller.signal)).rejects.toBe(stop);
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('does not start another attempt when the signal fired during a sleep that returned normally', async () => {
    const controller = new AbortController();
    const clock: Clock = {
      now: () => 0,
      sleep: async () => {
        controller.abort(new StoppedError('cancelled'));
      },
    };
    const attempt = failingThen(retryable());
    const error = await withRetries(attempt, new RetryBudget(POLICY), clock, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoppedError);
    expect((error as StoppedError).reason).toBe('cancelled');
    expect(attempt).toHaveBeenCalledTimes(1);
  });

  it('turns a failure that happens because the signal fired into the StoppedError, not a retry', async () => {
    const controller = new AbortController();
    const clock = recordingClock();
    const attempt = vi.fn(async () => {
      controller.abort(new StoppedError('paused'));
      throw retryable('AbortError');
    });
    const error = await withRetries(attempt, new RetryBudget(POLICY), clock, controller.signal).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoppedError);
    expect((error as StoppedError).reason).toBe('paused');
    expect(clock.sleeps).toEqual([]);
  });

  it('never calls the attempt when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new StoppedError('shutdown'));
    const attempt = failingThen();
    await expect(withRetries(attempt, new RetryBudget(POLICY), recordingClock(), controller.signal)).rejects.toBeInstanceOf(StoppedError);
    expect(attempt).not.toHaveBeenCalled();
  });
});

describe('stoppedErrorFor / throwIfStopped', () => {
  it('uses the StoppedError given as abort reason, or "shutdown" for any other reason', () => {
    const paused = new AbortController();
    paused.abort(new StoppedError('paused'));
    expect(stoppedErrorFor(paused.signal).reason).toBe('paused');
    const other = new AbortController();
    other.abort(new Error('whatever'));
    expect(stoppedErrorFor(other.signal).reason).toBe('shutdown');
  });

  it('throws only when the signal is aborted', () => {
    const controller = new AbortController();
    expect(() => throwIfStopped(controller.signal)).not.toThrow();
    controller.abort(new StoppedError('cancelled'));
    expect(() => throwIfStopped(controller.signal)).toThrow(StoppedError);
  });
});
