import { stoppedErrorFor } from './retry-budget.ts';
import type { SlotPool } from './slot-pool.ts';

/**
 * The generic multipart orchestrator: runs a list of parts through the shared
 * slot pool, at most one slot per part, and stops starting parts at the first
 * failure (siblings in flight are aborted). It knows nothing about S3; the
 * worker does the reading, recording and sending of one part.
 */
export async function runParts<P>(
  parts: readonly P[],
  pool: SlotPool,
  signal: AbortSignal,
  work: (part: P, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const inner = new AbortController();
  const forward = (): void => inner.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener('abort', forward, { once: true });

  let firstError: unknown;
  const fail = (error: unknown): void => {
    if (firstError === undefined) {
      firstError = error;
      inner.abort(signal.aborted ? signal.reason : error);
    }
  };
  const running = new Set<Promise<void>>();
  try {
    for (const part of parts) {
      if (inner.signal.aborted) break;
      const release = await pool.acquire(inner.signal);
      const task: Promise<void> = work(part, inner.signal)
        .catch(fail)
        .finally(() => {
          release();
          running.delete(task);
        });
      running.add(task);
    }
  } catch (error) {
    fail(error);
  } finally {
    await Promise.all(running);
    signal.removeEventListener('abort', forward);
  }
  if (firstError !== undefined) throw firstError;
  // Stopped before every part was started: never report that as success.
  if (inner.signal.aborted) throw stoppedErrorFor(signal);
}
