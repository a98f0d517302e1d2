export interface ThrottleClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realClock: ThrottleClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface Throttled {
  /** Runs now when the last run is at least the interval ago, otherwise once when it is. */
  schedule(): void;
  cancel(): void;
}

/**
 * Leading and trailing throttle for "something changed, redraw": bursts of
 * events cause at most one run per interval and the last change is never lost
 * (the run reads the current state, so nothing needs to be queued).
 */
export function throttle(run: () => void, intervalMs: number, clock: ThrottleClock = realClock): Throttled {
  let last = Number.NEGATIVE_INFINITY;
  let timer: unknown;
  const fire = () => {
    timer = undefined;
    last = clock.now();
    run();
  };
  return {
    schedule() {
      if (timer !== undefined) return;
      const wait = last + intervalMs - clock.now();
      if (wait <= 0) fire();
      else timer = clock.setTimeout(fire, wait);
    },
    cancel() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
