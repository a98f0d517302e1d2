import type { RunResult } from '../engine-options.ts';
import type { StoppedError } from '../errors.ts';
import { SpeedMeter } from '../sending/speed-meter.ts';
import type { UploadJob } from './upload-job.ts';

interface Running {
  job: UploadJob | undefined;
  meter: SpeedMeter | undefined;
  controller: AbortController;
  done: Promise<RunResult>;
}

/**
 * The uploads running now, one entry each from start to end: its job once
 * it has one (it may still wait for an upload slot), its speed meter, and the
 * controller that stops it. Running the same upload twice joins the run
 * already under way, so an upload never has two runs.
 */
export class RunningJobs {
  private readonly running = new Map<string, Running>();

  /** Starts `run` for the upload unless it runs already; `ended` is called once it is over and forgotten. */
  start(id: string, run: (signal: AbortSignal, started: (job: UploadJob) => void) => Promise<RunResult>, ended: () => void): Promise<RunResult> {
    const already = this.running.get(id);
    if (already) return already.done;
    const entry: Running = { job: undefined, meter: undefined, controller: new AbortController(), done: Promise.resolve(undefined as never) };
    const started = (job: UploadJob) => {
      entry.job = job;
      entry.meter = new SpeedMeter();
    };
    entry.done = run(entry.controller.signal, started).finally(() => {
      this.running.delete(id);
      ended();
    });
    this.running.set(id, entry);
    return entry.done;
  }

  has(id: string): boolean {
    return this.running.has(id);
  }

  ids(): string[] {
    return [...this.running.keys()];
  }

  /** Stops the upload's run, if any, and waits for it to record how it ended. Returns whether one ran. */
  async stop(id: string, reason: StoppedError): Promise<boolean> {
    const entry = this.running.get(id);
    if (!entry) return false;
    entry.controller.abort(reason);
    await entry.done;
    return true;
  }

  async stopAll(reason: StoppedError): Promise<void> {
    await Promise.all(this.ids().map((id) => this.stop(id, reason)));
  }

  /** The job's live progress and speed, when it is running with a job. */
  live(id: string): { job: UploadJob; meter: SpeedMeter | undefined } | undefined {
    const entry = this.running.get(id);
    return entry?.job ? { job: entry.job, meter: entry.meter } : undefined;
  }
}
