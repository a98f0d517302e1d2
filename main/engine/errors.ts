/**
 * How the engine sees a failed call: retry it, give up, or treat the upload as
 * gone from the server (aborted, expired or already completed).
 */
export type FailureKind = 'retryable' | 'fatal' | 'upload-gone';

export class S3Failure extends Error {
  override name = 'S3Failure';
  constructor(
    readonly kind: FailureKind,
    /** A message a person can act on, without stack traces or secrets. */
    message: string,
    readonly code: string,
    readonly status: number | undefined,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Thrown when the user or the host stopped the work; never retried, never reported as a failure. */
export class StoppedError extends Error {
  override name = 'StoppedError';
  constructor(readonly reason: StopReason) {
    super(`stopped: ${reason}`);
  }
}

export type StopReason = 'paused' | 'cancelled' | 'shutdown';

/** The source file can no longer be used as recorded: missing, unreadable, or changed. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    readonly code: 'missing' | 'unreadable' | 'not-a-file' | 'changed',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The engine found something inconsistent and refuses to complete rather than make a wrong object. */
export class IntegrityError extends Error {
  override name = 'IntegrityError';
}

/**
 * A state write failed because the disk holding the state database is full.
 * The write did not happen (SQLite rolled it back), and the engine writes a
 * part's record before sending it and marks it done only after the server
 * acknowledged it: nothing recorded is wrong, the upload only stops.
 */
export class StateStoreFullError extends Error {
  override name = 'StateStoreFullError';
  readonly code = 'SQLITE_FULL';
  constructor(readonly file: string, options?: { cause?: unknown }) {
    super(`the disk holding the state database (${file}) is full: free some space, then resume; nothing was recorded wrongly`, options);
  }
}

export function isStopped(error: unknown): error is StoppedError {
  return error instanceof StoppedError;
}

export function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * The key now holds an object someone else wrote after the upload started:
 * Hoist's Complete would replace it without a word. The run ends in conflict,
 * which the user settles (then the object is replaced) or cancels.
 */
export class ForeignObjectError extends Error {
  override name = 'ForeignObjectError';
}
