import { afterAll, describe, expect, it } from 'vitest';
import { randomFaults, seededRandom } from '../support/fault-plans.ts';
import { useTestWorkspace } from '../support/s3-fixture.ts';
import { expectCompletedIntact, PART, printFigures, recordFigures, uploadThroughFaults } from '../support/torture-run.ts';

/**
 * Uploads through a proxy that fails 5% of all requests at random (resets,
 * mid-body or before the answer; 500 InternalError; 503 SlowDown; answers
 * dropped after the server did the work), over and over: every run must
 * complete with the exact object and nothing left on the server. CI runs 5;
 * `npm run soak` runs 50 (`HOIST_SOAK_RUNS=500 npm run soak`: as many as
 * asked), `HOIST_SOAK_FAULT_RATE=0.2` makes it harsher. Each run's seed is
 * printed with its figures; `HOIST_SOAK_SEED` replays from a given one.
 */
const RUNS = Math.max(1, Number(process.env.HOIST_SOAK_RUNS) || 5);
const SEED = Number(process.env.HOIST_SOAK_SEED) || Date.now() % 1_000_000;
/** 5% unless HOIST_SOAK_FAULT_RATE says otherwise (a harsher soak finds rare paths sooner). */
const FAULT_RATE = Number(process.env.HOIST_SOAK_FAULT_RATE) || 0.05;

const ws = useTestWorkspace();
afterAll(() => printFigures(`random faults (${RUNS} runs from seed ${SEED})`));

describe(`${FAULT_RATE * 100}% of requests failing at random`, () => {
  for (let run = 0; run < RUNS; run += 1) {
    const seed = SEED + run;
    it(`run ${run + 1} of ${RUNS} (seed ${seed}) completes intact`, async () => {
      const random = seededRandom(seed);
      // 3 to 6 parts, the last one partial, so part counts and boundaries vary too.
      const size = (3 + Math.floor(random() * 3)) * PART + 1 + Math.floor(random() * (PART - 1));
      const outcome = await uploadThroughFaults(ws, {
        scenario: `random ${FAULT_RATE * 100}% faults`,
        name: `soak-${seed}.bin`,
        size,
        decide: randomFaults(random, FAULT_RATE),
        args: ['--max-retries', '20'],
      });
      recordFigures(outcome);
      await expectCompletedIntact(ws, outcome);
      expect(outcome.requests).toBeGreaterThan(0);
      // Not a speed limit: backoff after several failures in a row can take a while; a hang still fails.
    }, 300_000);
  }
});
