import type { Clock } from '../ports/clock.ts';
import type { RetryBudget, RetryPolicy } from './retry-budget.ts';
import { withRetries } from './retry-budget.ts';

/** A failed request waiting for its next attempt: when it goes out, why, which of how many. */
export interface RetryWait {
  atMs: number;
  cause: string;
  attempt: number;
  of: number;
}

export interface RetryWatchDeps {
  budget: RetryBudget;
  policy: RetryPolicy;
  clock: Clock;
  log: (message: string) => void;
  /** The wait began or ended: what a row shows ("Retrying in 12 s: …" instead of "Uploading") changed. */
  onChange: () => void;
}

/**
 * Runs requests with retries (withRetries) and remembers the wait going on,
 * so an upload or a folder can say it is retrying rather than look busy.
 * Requests sharing one watch share one wait: the latest failure is shown, and
 * it clears when any of them settles (the next attempt got an answer).
 */
export class RetryWatch {
  private wait: RetryWait | undefined;

  constructor(private readonly deps: RetryWatchDeps) {}

  /** The wait going on, if any. */
  get current(): RetryWait | undefined {
    return this.wait;
  }

  run<T>(attempt: () => Promise<T>, signal: AbortSignal, what: string): Promise<T> {
    const { budget, clock, log, onChange, policy } = this.deps;
    const settled = (): void => {
      if (this.wait === undefined) return;
      this.wait = undefined;
      onChange();
    };
    return withRetries(attempt, budget, clock, signal, (failure, delay) => {
      log(`${what}: ${failure.message}; retrying in ${(delay / 1000).toFixed(1)} s`);
      this.wait = { atMs: clock.now() + delay, cause: failure.message, attempt: budget.retriesInARow, of: policy.maxRetries };
      onChange();
    }).then(
      (value) => {
        settled();
        return value;
      },
      (error: unknown) => {
        settled();
        throw error;
      },
    );
  }
}
