// Random, but reproducible: every choice of the crash soak comes from one
// seeded generator, so a failing seed (printed with the failure) replays the
// same files, kill points and delays.
import type { KillPlan } from './crash-run.ts';

/** The crash points of a plain upload's life (rollover has its own tests). */
export const UPLOAD_CRASH_POINTS = ['upload-created', 'upload-id-recorded', 'part-started', 'part-uploaded', 'part-recorded', 'before-complete', 'after-complete'] as const;
const PER_PART = new Set<string>(['part-started', 'part-uploaded', 'part-recorded']);

export class SeededRandom {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: small, fast and good enough to spread kill points. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length - 1)] as T;
  }
}

/**
 * Half the kills from inside at a random crash point (the Nth time it is
 * reached, N up to what the run can reach), half from outside after a random
 * delay up to `maxDelayMs` (startup, the probe, parts on the wire, Complete:
 * wherever the process happens to be).
 */
export function randomKill(random: SeededRandom, scope: { uploads: number; parts: number; maxDelayMs: number }): Exclude<KillPlan, { kind: 'none' | 'wire' }> {
  if (random.next() < 0.5) return { kind: 'outside', afterMs: random.int(50, scope.maxDelayMs) };
  const point = random.pick(UPLOAD_CRASH_POINTS);
  const nth = random.int(1, Math.max(1, PER_PART.has(point) ? scope.parts : scope.uploads));
  return { kind: 'crash-at', point: `${point}:${nth}` };
}

/** The figures row a kill belongs to: the crash point without its count, or the outside kill. */
export function killKind(plan: KillPlan): string {
  if (plan.kind === 'crash-at') return `random crash-at ${plan.point.split(':')[0]}`;
  if (plan.kind === 'outside') return 'random outside SIGKILL';
  return plan.kind;
}
