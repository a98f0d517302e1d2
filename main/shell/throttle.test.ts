import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.ts';

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers({ now: 0 }));
  afterEach(() => vi.useRealTimers());

  it('runs the first change at once and a burst after it once, at the end of the interval', () => {
    const run = vi.fn();
    const throttled = throttle(run, 1000);
    throttled.schedule();
    expect(run).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 50; i += 1) {
      vi.advanceTimersByTime(10);
      throttled.schedule();
    }
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(499);
    expect(run).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(run).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('runs at once again after a quiet interval', () => {
    const run = vi.fn();
    const throttled = throttle(run, 1000);
    throttled.schedule();
    vi.advanceTimersByTime(1500);
    throttled.schedule();
    expect(run).toHaveBeenCalledTimes(2);
  });

  it('cancel drops a pending run', () => {
    const run = vi.fn();
    const throttled = throttle(run, 1000);
    throttled.schedule();
    throttled.schedule();
    throttled.cancel();
    vi.advanceTimersByTime(5000);
    expect(run).toHaveBeenCalledTimes(1);
  });
});
