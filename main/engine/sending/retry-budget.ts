import type { Clock } from '../ports/clock.ts';
import { S3Failure, StoppedError, isStopped } from '../errors.ts';

export interface RetryPolicy {
  /** Retries allowed in a row without progress. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 10, baseDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Counts retries in a row for one upload. Progress (a part completed) resets
 * it, so an upload that moves slowly over a bad network keeps going while one
 * that makes no progress at all gives up after maxRetries.
 */
export class RetryBudget {
  private failuresInARow = 0;

  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt (exponential, full jitter), or undefined when the budget is spent. */
  nextDelay(): number | undefined {
    if (this.failuresInARow >= this.policy.maxRetries) return undefined;
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** this.failuresInARow);
    this.failuresInARow += 1;
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  progressMade(): void {
    this.failuresInARow = 0;
  }

  get retriesInARow(): number {
    return this.failuresInARow;
  }
}

/**
 * Runs an S3 call, retrying retryable failures while the budget lasts.
 * Fatal and upload-gone failures are thrown at once for the caller to handle.
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  budget: RetryBudget,
  clock: Clock,
  signal: AbortSignal,
  onRetry?: (failure: S3Failure, delayMs: number) => void,
): Promise<T> {
  for (;;) {
    throwIfStopped(signal);
    try {
      return await attempt();
    } catch (error) {
      if (signal.aborted) throw stoppedErrorFor(signal);
      if (isStopped(error) || !(error instanceof S3Failure) || error.kind !== 'retryable') throw error;
      const delay = budget.nextDelay();
      if (delay === undefined) throw error;
      onRetry?.(error, delay);
      try {
        await clock.sleep(delay, signal);
      } catch {
        throw stoppedErrorFor(signal);
      }
    }
  }
}

export function throwIfStopped(signal: AbortSignal): void {
  if (signal.aborted) throw stoppedErrorFor(signal);
}

export function stoppedErrorFor(signal: AbortSignal): StoppedError {
  const reason: unknown = signal.reason;
  return reason instanceof StoppedError ? reason : new StoppedError('shutdown');
}
