import type { EngineEvent } from './engine-options.ts';

/**
 * The engine's listeners, and progress coalescing: uploads that changed are
 * collected and reported together at most once per interval, so a UI gets a
 * few updates a second however many chunks move. Nothing is scheduled while
 * no one listens.
 */
export class EngineEvents {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly dirty = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    /** Builds the progress event's rows for the changed ids. */
    private readonly progressOf: (ids: string[]) => Extract<EngineEvent, { type: 'progress' }>,
  ) {}

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  markDirty(id: string): void {
    this.dirty.add(id);
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => this.flush(), this.intervalMs);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    this.emit(this.progressOf(ids));
  }
}
