/**
 * Named points in an upload's life where the crash tests kill the process for
 * real (SIGKILL, no cleanup, exactly like a power cut). Inert unless the
 * environment sets HOIST_CRASH_AT="point" or "point:N" (the Nth time the point
 * is reached, counting from 1).
 */
export type CrashPoint =
  | 'upload-created'
  | 'upload-id-recorded'
  | 'part-started'
  | 'part-uploaded'
  | 'part-recorded'
  | 'before-complete'
  | 'after-complete'
  | 'before-rollover'
  | 'rollover-completed';

const spec = parseSpec(process.env.HOIST_CRASH_AT);
let hits = 0;

function parseSpec(text: string | undefined): { point: string; nth: number } | undefined {
  if (!text) return undefined;
  const [point, nth] = text.split(':');
  return { point: point ?? '', nth: nth ? Number(nth) : 1 };
}

export function crashPoint(point: CrashPoint): void {
  if (!spec || spec.point !== point) return;
  hits += 1;
  if (hits === spec.nth) process.kill(process.pid, 'SIGKILL');
}
