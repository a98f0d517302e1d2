import { randomInt } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { deleteObjects, endState, partSnapshot, uploadRecords } from '../support/crash-checks.ts';
import { CrashFigures } from '../support/crash-figures.ts';
import { describePlan, runKillable } from '../support/crash-run.ts';
import type { KillPlan } from '../support/crash-run.ts';
import { makeRandomFile } from '../support/files.ts';
import { ResendLedger } from '../support/resend-ledger.ts';
import { useTestWorkspace } from '../support/s3-fixture.ts';
import { killKind, randomKill, SeededRandom } from '../support/soak-plan.ts';

/**
 * Random real SIGKILLs over several files uploading at once: chains of 3–4
 * files of 3–6 parts, each file started by `upload` and most of those runs
 * killed, then `resume` (all files together, concurrency 2–4) killed again
 * until a run ends by itself. Every chain must end with each object
 * byte-identical to its file, no other object, no multipart upload left and an
 * intact state database; every run that reports must have re-sent at most the
 * parts in flight at the crash before it.
 *
 * HOIST_SOAK_RUNS sets how many kills (default 30, what CI runs); HOIST_SOAK_SEED
 * replays a run (the seed is in the test name and every failure message):
 *   HOIST_SOAK_RUNS=500 npx vitest run --project s3 e2e/cli/crash-soak.s3.test.ts
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const KILLS = Number(process.env.HOIST_SOAK_RUNS ?? 30);
const SEED = Number(process.env.HOIST_SOAK_SEED ?? randomInt(2 ** 31));
const ws = useTestWorkspace();
const { config, client } = ws;
const figures = new CrashFigures('crash-soak', { seed: SEED, killsAsked: KILLS });
afterAll(() => {
  figures.write();
});

interface SoakFile {
  file: string;
  key: string;
  size: number;
  parts: number;
}

class Chain {
  kills = 0;
  readonly history: string[] = [];
  private readonly ledger = new ResendLedger();
  readonly files: SoakFile[] = [];
  readonly concurrency: number;
  readonly prefix: string;
  readonly stateDir: string;

  constructor(
    readonly index: number,
    private readonly quota: number,
    private readonly random: SeededRandom,
  ) {
    this.concurrency = random.int(2, 4);
    this.prefix = `soak-${index}/`;
    this.stateDir = join(ws.dir, `state-soak-${index}`);
    for (let n = random.int(3, 4), i = 0; i < n; i += 1) {
      const parts = random.int(3, 6);
      const name = `file-${i}.bin`;
      this.files.push({ file: join(ws.dir, `soak-${index}-${name}`), key: `${this.prefix}${name}`, size: (parts - 1) * PART + random.int(1, PART), parts });
    }
  }

  /** Fails with what happened so far and the seed that replays it. */
  context(): string {
    return `seed ${SEED}, chain ${this.index} (concurrency ${this.concurrency}, ${this.files.map((f) => f.parts).join('+')} parts):\n  ${this.history.join('\n  ')}`;
  }

  plan(scope: { uploads: number; parts: number; maxDelayMs: number }): KillPlan {
    return this.kills < this.quota ? randomKill(this.random, scope) : { kind: 'none' };
  }

  /** One CLI run with its kill plan; returns whether it ended by itself (having reported its results). */
  async step(label: string, args: string[], plan: KillPlan): Promise<boolean> {
    const before = partSnapshot(this.stateDir);
    const startedAt = Date.now();
    const { run, killed } = await runKillable([...args, '--concurrency', String(this.concurrency), '--json'], cliEnv(config, this.stateDir), plan);
    const after = partSnapshot(this.stateDir);
    this.history.push(`${label}, ${describePlan(plan)}: ${killed ? 'killed' : `exit ${run.code}`}`);
    const bound = this.concurrency * PART;
    if (killed) {
      figures.kill(killKind(plan));
      const inFlight = this.ledger.killed(killKind(plan), after, startedAt);
      this.kills += 1;
      this.settle(bound);
      expect(inFlight, this.context()).toBeLessThanOrEqual(bound);
      return false;
    }
    expect(run.code, `${this.context()}\n${run.stderr}`).toBe(0);
    const results = jsonOutput<ResultEntry[]>(run);
    expect(results.map((result) => result.outcome).filter((outcome) => outcome !== 'completed'), this.context()).toEqual([]);
    const { resent, againBytes } = this.ledger.reported(
      results.reduce((sum, result) => sum + result.bytesSent, 0),
      before,
      after,
    );
    this.history.push(`  re-sent ${resent} B of ${againBytes} B started by killed runs`);
    this.settle(bound);
    // Only parts a killed run had started can have been sent twice.
    expect(resent, this.context()).toBeLessThanOrEqual(againBytes);
    return true;
  }

  private settle(bound: number): void {
    for (const crash of this.ledger.takeSettled()) {
      if (!crash.measured) {
        figures.unmeasured(crash.kind);
        continue;
      }
      figures.resent(crash.kind, crash.share, bound);
      expect(crash.share, this.context()).toBeLessThanOrEqual(bound);
    }
  }

  async run(): Promise<void> {
    await Promise.all(this.files.map((f) => makeRandomFile(f.file, f.size)));
    const uploadArgs = (f: SoakFile) => ['upload', f.file, `s3://${ws.bucket}/${f.key}`, '--part-size', '5MiB', ...targetArgs(config)];
    // Each file is started by `upload`; a kill before its record exists leaves nothing to resume, so upload it again, as a person would.
    for (const f of this.files) {
      do await this.step(`upload ${f.key}`, uploadArgs(f), this.plan({ uploads: 1, parts: f.parts, maxDelayMs: 1_500 }));
      while (!uploadRecords(this.stateDir).some((record) => record.path === f.file));
    }
    const parts = this.files.reduce((sum, f) => sum + f.parts, 0);
    while (!(await this.step('resume', ['resume'], this.plan({ uploads: this.files.length, parts, maxDelayMs: 3_000 }))));
  }

  async verifyEnd(): Promise<void> {
    const end = await endState(client, ws.bucket, this.prefix, this.files, this.stateDir);
    figures.end('end of each chain', end);
    expect(end, this.context()).toEqual({ expected: this.files.length, identical: this.files.length, missingKeys: [], unexpectedKeys: [], leftoverUploads: [], integrity: 'ok' });
    expect(uploadRecords(this.stateDir).map((record) => record.state), this.context()).toEqual(this.files.map(() => 'completed'));
    await deleteObjects(client, ws.bucket, this.files.map((f) => f.key));
    await Promise.all(this.files.map((f) => rm(f.file, { force: true })));
  }
}

describe('crash soak: random SIGKILLs over several files, then resume', () => {
  it(
    `${KILLS} kills (seed ${SEED}): every chain ends byte-identical, with nothing left on the server and at most the parts in flight re-sent`,
    async () => {
      const random = new SeededRandom(SEED);
      let kills = 0;
      for (let index = 0; kills < KILLS; index += 1) {
        const chain = new Chain(index, Math.min(random.int(2, 4), KILLS - kills), random);
        await chain.run();
        await chain.verifyEnd();
        kills += chain.kills;
      }
      expect(kills).toBeGreaterThanOrEqual(KILLS);
    },
    Math.max(120_000, KILLS * 8_000),
  );
});
