import { existsSync, writeFileSync } from 'node:fs';
import type { CrashPoint, TestHooks } from '../engine/ports/test-hooks.ts';

/**
 * The crash and hold points as the end-to-end tests drive them, through the
 * environment of the process they start. Inert unless a variable is set.
 *
 * HOIST_CRASH_AT="point" or "point:N": the Nth time the point is reached
 * (counting from 1), the process kills itself with SIGKILL.
 *
 * HOIST_HOLD_AT="point:N:/some/flag": the Nth time, it writes
 * "/some/flag.held" and waits until "/some/flag" exists, so a test can change
 * the source or the server at a known moment (a file deleted, truncated or
 * grown, credentials revoked).
 */
export function testHooksFromEnv(env: NodeJS.ProcessEnv = process.env): TestHooks | undefined {
  const crash = parseSpec(env.HOIST_CRASH_AT);
  const hold = parseSpec(env.HOIST_HOLD_AT);
  if (!crash && !(hold && hold.flag)) return undefined;
  let crashHits = 0;
  let holdHits = 0;
  return {
    crash(point: CrashPoint): void {
      if (!crash || crash.point !== point) return;
      crashHits += 1;
      if (crashHits === crash.nth) process.kill(process.pid, 'SIGKILL');
    },
    async hold(point: CrashPoint): Promise<void> {
      if (!hold || hold.point !== point || !hold.flag) return;
      holdHits += 1;
      if (holdHits !== hold.nth) return;
      writeFileSync(`${hold.flag}.held`, String(process.pid));
      while (!existsSync(hold.flag)) await new Promise((resolve) => setTimeout(resolve, 20));
    },
  };
}

function parseSpec(text: string | undefined): { point: string; nth: number; flag: string } | undefined {
  if (!text) return undefined;
  const [point, nth, ...flag] = text.split(':');
  return { point: point ?? '', nth: Number(nth) || 1, flag: flag.join(':') };
}
