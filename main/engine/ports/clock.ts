/** The engine's clock: time and waiting, so that tests can move time themselves. */
export interface Clock {
  now(): number;
  /** Resolves after ms, or rejects with an AbortError when the signal fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
