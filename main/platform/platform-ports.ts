import type { EngineDeps } from '../engine/engine-options.ts';
import { testHooksFromEnv } from './env-test-hooks.ts';
import { threadHasher } from './part-hasher-thread.ts';
import { systemClock } from './system-clock.ts';

/**
 * The platform's side of the engine's ports, as every real host (CLI,
 * headless app, Electron) gives them: the system clock, hashing on a worker
 * thread, and the test hooks the environment asks for (none in normal use).
 */
export function platformPorts(env: NodeJS.ProcessEnv = process.env): Pick<EngineDeps, 'clock' | 'hasher' | 'testHooks'> {
  const testHooks = testHooksFromEnv(env);
  return { clock: systemClock, hasher: threadHasher, ...(testHooks ? { testHooks } : {}) };
}
