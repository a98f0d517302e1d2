import { existsSync, writeFileSync } from 'node:fs';
import type { CrashPoint } from './crash-points.ts';

/**
 * A test hook beside the crash points: with HOIST_HOLD_AT="point:N:/some/flag"
 * the process, the Nth time it reaches the point, writes "/some/flag.held" and
 * waits until "/some/flag" exists. Tests use it to change the source or the
 * server in the middle of an upload at a known moment (a file deleted,
 * truncated or grown, credentials revoked). Inert unless the variable is set.
 */
const spec = parseSpec(process.env.HOIST_HOLD_AT);
let hits = 0;

function parseSpec(text: string | undefined): { point: string; nth: number; flag: string } | undefined {
  if (!text) return undefined;
  const [point, nth, ...flag] = text.split(':');
  return { point: point ?? '', nth: Number(nth) || 1, flag: flag.join(':') };
}

export async function holdPoint(point: CrashPoint): Promise<void> {
  if (!spec || spec.point !== point || !spec.flag) return;
  hits += 1;
  if (hits !== spec.nth) return;
  writeFileSync(`${spec.flag}.held`, String(process.pid));
  while (!existsSync(spec.flag)) await new Promise((resolve) => setTimeout(resolve, 20));
}
