import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PowerGuard, watchOnline } from './power-guard.ts';

describe('PowerGuard', () => {
  it('starts one blocker while uploading and stops it when nothing uploads', () => {
    let next = 7;
    const blocker = { start: vi.fn(() => next++), stop: vi.fn() };
    const guard = new PowerGuard(blocker);
    guard.update(false);
    expect(blocker.start).not.toHaveBeenCalled();
    guard.update(true);
    guard.update(true);
    expect(blocker.start).toHaveBeenCalledTimes(1);
    expect(guard.active).toBe(true);
    guard.update(false);
    guard.update(false);
    expect(blocker.stop).toHaveBeenCalledTimes(1);
    expect(blocker.stop).toHaveBeenCalledWith(7);
    expect(guard.active).toBe(false);
    guard.update(true);
    expect(blocker.start).toHaveBeenCalledTimes(2);
  });
});

describe('watchOnline', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('calls onOnline once per offline-to-online flip, polling every 10 s', () => {
    const answers = [true, true, false, false, true, true, false, true];
    const isOnline = vi.fn(() => answers.shift() ?? true);
    const onOnline = vi.fn();
    const stop = watchOnline({ isOnline, onOnline });
    expect(isOnline).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(9_999);
    expect(isOnline).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(1);
    expect(isOnline).toHaveBeenCalledTimes(2);
    vi.advanceTimersByTime(30_000);
    expect(onOnline).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(30_000);
    expect(onOnline).toHaveBeenCalledTimes(2);
    stop();
    vi.advanceTimersByTime(100_000);
    expect(isOnline).toHaveBeenCalledTimes(8);
  });

  it('does not fire when it starts offline and stays offline', () => {
    const onOnline = vi.fn();
    const stop = watchOnline({ isOnline: () => false, onOnline, intervalMs: 1000 });
    vi.advanceTimersByTime(10_000);
    expect(onOnline).not.toHaveBeenCalled();
    stop();
  });
});
