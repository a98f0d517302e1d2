import type { EngineEvent, RunResult } from '../engine-options.ts';
import type { UploadRecord } from '../ports/records.ts';
import type { StateStore } from '../ports/state-store.ts';
import { recordRunEnd } from '../run-end.ts';
import type { SlotPool } from '../sending/slot-pool.ts';
import type { UploadJob } from './upload-job.ts';

/** What the engine lends one run: its upload slots, how it makes a job, and where events go. */
export interface RunHost {
  store: StateStore;
  uploadSlots: SlotPool;
  newJob(record: UploadRecord): UploadJob;
  /** The job is about to run: its progress and speed are shown from now on. */
  started(job: UploadJob): void;
  emit(event: EngineEvent): void;
}

/**
 * One upload from waiting for a slot to its end, whatever the end: the run's
 * result says how it ended (completed, failed, conflict, paused, stopped) and
 * the state database records it (see ../run-end.ts). Never throws.
 */
export async function runOneJob(host: RunHost, id: string, signal: AbortSignal): Promise<RunResult> {
  const { store } = host;
  const result: RunResult = { id, outcome: 'failed', error: null, bytesSent: 0, partsSkipped: 0, restarted: false };
  let releaseUploadSlot: (() => void) | undefined;
  try {
    releaseUploadSlot = await host.uploadSlots.acquire(signal);
    const record = store.getUpload(id);
    if (!record) throw new Error(`no upload with id ${id}`);
    if (record.state === 'completed') {
      result.outcome = 'completed';
      host.emit({ type: 'finished', result });
      return result;
    }
    const job = host.newJob(record);
    host.started(job);
    try {
      await job.run(signal);
      result.outcome = 'completed';
    } finally {
      Object.assign(result, { bytesSent: job.bytesSent, partsSkipped: job.partsSkipped, restarted: job.restartedThisRun });
    }
  } catch (error) {
    const unexplained = recordRunEnd(store, id, error, signal, result);
    if (unexplained) host.emit({ type: 'log', id, message: unexplained });
  } finally {
    releaseUploadSlot?.();
  }
  host.emit({ type: 'finished', result });
  return result;
}
