// Runs the CLI once with a way to die: SIGKILL from inside at a named crash
// point (HOIST_CRASH_AT), from outside after a delay, from outside when the
// wire shows a moment (kill-switch-proxy.ts), or not at all.
import { setTimeout as delay } from 'node:timers/promises';
import { spawnCli } from './cli-runner.ts';
import type { CliRun } from './cli-runner.ts';
import type { KillSwitchProxy, KillTrigger } from './kill-switch-proxy.ts';

export type KillPlan =
  | { kind: 'none' }
  /** HOIST_CRASH_AT=point[:N]: the process kills itself the Nth time it reaches the point. */
  | { kind: 'crash-at'; point: string }
  | { kind: 'outside'; afterMs: number }
  | { kind: 'wire'; proxy: KillSwitchProxy; trigger: KillTrigger };

export interface KillableRun {
  run: CliRun;
  /** Ended by SIGKILL (a crash point not reached, or a delay longer than the run, ends it normally). */
  killed: boolean;
}

export function describePlan(plan: KillPlan): string {
  if (plan.kind === 'crash-at') return `crash-at ${plan.point}`;
  if (plan.kind === 'outside') return `outside SIGKILL after ${plan.afterMs} ms`;
  if (plan.kind === 'wire') return `outside SIGKILL at ${plan.trigger.kind}`;
  return 'no kill';
}

export async function runKillable(args: readonly string[], env: NodeJS.ProcessEnv, plan: KillPlan): Promise<KillableRun> {
  const { child, done } = spawnCli(args, plan.kind === 'crash-at' ? { ...env, HOIST_CRASH_AT: plan.point } : env);
  if (plan.kind === 'outside') {
    void Promise.race([done, delay(plan.afterMs)]).then(() => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    });
  } else if (plan.kind === 'wire') {
    void plan.proxy.arm(plan.trigger, child);
  }
  const run = await done;
  return { run, killed: run.signal === 'SIGKILL' };
}
