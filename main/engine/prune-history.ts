import { StateStoreFullError } from './errors.ts';
import type { UploadStore } from './ports/state-store.ts';

/**
 * Forgets the uploads that finished before `before` (ms since the epoch) and
 * returns their ids. Housekeeping: on a full disk it forgets nothing and
 * waits for the next start rather than stopping this one.
 */
export function pruneFinished(store: Pick<UploadStore, 'pruneFinished'>, before: number): string[] {
  try {
    return store.pruneFinished(before);
  } catch (error) {
    if (error instanceof StateStoreFullError) return [];
    throw error;
  }
}
