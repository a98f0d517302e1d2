/**
 * Keeps the system from suspending while something uploads, and notices when
 * the network comes back. Pure over injected functions (main.ts passes
 * Electron's powerSaveBlocker and net.isOnline) so both are unit-tested.
 */
export interface Blocker {
  start(): number;
  stop(id: number): void;
}

export class PowerGuard {
  private blockerId: number | undefined;
  constructor(private readonly blocker: Blocker) {}

  /** Call with whether any upload is running; starts or stops the blocker on a change only. */
  update(uploading: boolean): void {
    if (uploading && this.blockerId === undefined) this.blockerId = this.blocker.start();
    else if (!uploading && this.blockerId !== undefined) {
      this.blocker.stop(this.blockerId);
      this.blockerId = undefined;
    }
  }

  get active(): boolean {
    return this.blockerId !== undefined;
  }
}

export interface OnlineWatchOptions {
  isOnline: () => boolean;
  /** Called when the answer flips from offline to online. */
  onOnline: () => void;
  intervalMs?: number;
  setInterval?: (callback: () => void, ms: number) => unknown;
  clearInterval?: (handle: unknown) => void;
}

/** Polls isOnline (Electron has no online event in main); returns a stopper. */
export function watchOnline({
  isOnline,
  onOnline,
  intervalMs = 10_000,
  setInterval: every = (callback, ms) => setInterval(callback, ms),
  clearInterval: stop = (handle) => clearInterval(handle as ReturnType<typeof setInterval>),
}: OnlineWatchOptions): () => void {
  let online = isOnline();
  const handle = every(() => {
    const now = isOnline();
    if (now && !online) onOnline();
    online = now;
  }, intervalMs);
  (handle as { unref?: () => void }).unref?.();
  return () => stop(handle);
}
