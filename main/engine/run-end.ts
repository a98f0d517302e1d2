import type { RunResult } from './engine-options.ts';
import { describeError, ForeignObjectError, isStopped, S3Failure, SourceError, StateStoreFullError, StoppedError } from './errors.ts';
import type { StopReason } from './errors.ts';
import type { EventLog, UploadStore } from './ports/state-store.ts';

/**
 * Records how a run ended that did not complete, and fills in the result.
 * Stopped by the user or the host: paused, or queued to run again. A changed
 * source, or an object another writer put at the key (ForeignObjectError): a
 * conflict the user settles (resolveConflict), stored as a failure with its reason. A source gone or unreadable: kept with its server parts,
 * marked missing until a run finds it again. A full disk: waiting for space.
 * Anything else: a failure a retry may fix. Returns a message to log for
 * errors nobody put into words (neither S3 nor source errors).
 *
 * Never throws: when the end cannot be recorded (a full disk), the record
 * keeps what it last said, which a later resume reconciles with the server.
 */
export function recordRunEnd(store: UploadStore & EventLog, id: string, error: unknown, signal: AbortSignal, result: RunResult): string | undefined {
  const stop = isStopped(error) ? error.reason : signal.aborted ? stopReasonOf(signal) : undefined;
  let unrecorded: unknown;
  const record = (write: () => void): void => {
    if (unrecorded !== undefined) return;
    try {
      write();
    } catch (failure) {
      unrecorded = failure;
    }
  };
  let exists = false;
  record(() => (exists = store.getUpload(id) !== undefined));
  if (stop) {
    result.outcome = stop === 'paused' ? 'paused' : stop === 'cancelled' ? 'cancelled' : 'stopped';
    if (exists) record(() => store.setState(id, stop === 'paused' ? 'paused' : 'queued'));
    if (exists && stop === 'paused') record(() => store.recordEvent({ uploadRecordId: id, kind: 'paused', message: 'paused' }));
    return unrecorded === undefined ? undefined : `could not record that the upload stopped: ${describeError(unrecorded)}`;
  }
  const conflict = (error instanceof SourceError && error.code === 'changed') || error instanceof ForeignObjectError;
  const missing = error instanceof SourceError && (error.code === 'missing' || error.code === 'unreadable');
  result.outcome = conflict ? 'conflict' : 'failed';
  if (error instanceof StateStoreFullError) result.waitingForSpace = true;
  result.error = missing ? `source missing: ${describeError(error)}; the upload is kept until the file is back (retry) or it is cancelled` : describeError(error);
  if (exists) {
    const message = result.error;
    if (conflict) record(() => store.setConflict(id, message));
    if (missing) record(() => store.setSourceMissing(id, true));
    record(() => store.setState(id, 'failed', message));
    record(() => store.recordEvent({ uploadRecordId: id, kind: 'failed', message }));
    // A wrong bucket, wrong credentials, access denied: trying again by itself would only fail the same way.
    if (isPermanent(error)) record(() => store.recordEvent({ uploadRecordId: id, kind: WAITS_FOR_RETRY, message: 'not tried again by itself: fix the target, then Retry' }));
  }
  // The failure could not be recorded either: say why, unless that is what the run already says.
  if (unrecorded !== undefined && !(error instanceof StateStoreFullError && unrecorded instanceof StateStoreFullError)) {
    result.error = `${result.error}; it could not be recorded: ${describeError(unrecorded)}`;
  }
  return error instanceof S3Failure || (error instanceof Error && 'code' in error) ? undefined : result.error;
}

/** The event kind that marks a failure only the user's Retry should try again (see failedForGood). */
export const WAITS_FOR_RETRY = 'waits-for-retry' as const;

function isPermanent(error: unknown): boolean {
  return error instanceof S3Failure && error.kind === 'fatal';
}

/** Whether the upload's last run failed in a way only the user's Retry should try again (its last event says so). */
export function failedForGood(store: EventLog, id: string): boolean {
  return store.listEvents(id).at(-1)?.kind === WAITS_FOR_RETRY;
}

function stopReasonOf(signal: AbortSignal): StopReason {
  const reason: unknown = signal.reason;
  return reason instanceof StoppedError ? reason.reason : 'shutdown';
}
