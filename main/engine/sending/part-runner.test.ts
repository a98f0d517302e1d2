import { describe, expect, it } from 'vitest';
import { StoppedError } from '../errors.ts';
import { runParts } from './part-runner.ts';
import { SlotPool } from './slot-pool.ts';

const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * A worker per part whose completion the test controls, recording which parts
 * started, the signal each got, and how many ran at once.
 */
function controlledWork(count: number) {
  const gates = Array.from({ length: count }, deferred);
  const started: number[] = [];
  const signals = new Map<number, AbortSignal>();
  const settled: number[] = [];
  let active = 0;
  let maxActive = 0;
  const work = async (part: number, signal: AbortSignal): Promise<void> => {
    started.push(part);
    signals.set(part, signal);
    active += 1;
    maxActive = Math.max(maxActive, active);
    try {
      await (gates[part] as Deferred).promise;
    } finally {
      active -= 1;
      settled.push(part);
    }
  };
  return { gates, started, signals, settled, work, maxActive: () => maxActive };
}

const parts = (count: number): number[] => Array.from({ length: count }, (_, i) => i);

describe('runParts', () => {
  it('runs every part, never more at once than the pool has slots', async () => {
    const w = controlledWork(8);
    const run = runParts(parts(8), new SlotPool(3), new AbortController().signal, w.work);
    // Finish parts one by one in a shuffled order, checking concurrency as we go.
    for (const index of [1, 0, 2, 4, 3, 5, 7, 6]) {
      await flush();
      expect(w.started.length - w.settled.length).toBeLessThanOrEqual(3);
      w.gates[index]?.resolve();
    }
    await run;
    expect([...w.started].sort()).toEqual(parts(8));
    expect(w.maxActive()).toBe(3);
  });

  it('starts parts in list order', async () => {
    const w = controlledWork(5);
    const run = runParts(parts(5), new SlotPool(2), new AbortController().signal, w.work);
    for (const gate of w.gates) {
      await flush();
      gate.resolve();
    }
    await run;
    expect(w.started).toEqual([0, 1, 2, 3, 4]);
  });

  it('shares the pool with other runs: the bound is global', async () => {
    const pool = new SlotPool(2);
    const a = controlledWork(4);
    const b = controlledWork(4);
    let active = 0;
    let maxActive = 0;
    const counted = (w: ReturnType<typeof controlledWork>) => async (part: number, signal: AbortSignal) => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      try {
        await w.work(part, signal);
      } finally {
        active -= 1;
      }
    };
    const runs = [runParts(parts(4), pool, new AbortController().signal, counted(a)), runParts(parts(4), pool, new AbortController().signal, counted(b))];
    for (let i = 0; i < 4; i += 1) {
      await flush();
      a.gates[i]?.resolve();
      b.gates[i]?.resolve();
    }
    await Promise.all(runs);
    expect(maxActive).toBe(2);
  });

  it('after the first failure starts no new part, aborts the siblings, waits for them and rethrows the first error', async () => {
    const w = controlledWork(6);
    const failure = new Error('part 1 failed');
    let finished = false;
    const run = runParts(parts(6), new SlotPool(3), new AbortController().signal, w.work).finally(() => {
      finished = true;
    });
    await flush();
    expect(w.started).toEqual([0, 1, 2]);
    w.gates[1]?.reject(failure);
    await flush();
    // The siblings in flight see their signal aborted, with the failure as reason.
    expect(w.signals.get(0)?.aborted).toBe(true);
    expect(w.signals.get(2)?.aborted).toBe(true);
    expect(w.signals.get(0)?.reason).toBe(failure);
    // The freed slot is not used for part 3.
    expect(w.started).toEqual([0, 1, 2]);
    // runParts waits for the siblings to settle...
    expect(finished).toBe(false);
    w.gates[0]?.reject(new Error('aborted sibling'));
    await flush();
    expect(finished).toBe(false);
    w.gates[2]?.resolve();
    // ...and reports the first error, not a sibling's.
    await expect(run).rejects.toBe(failure);
    expect(w.settled.sort()).toEqual([0, 1, 2]);
    expect(w.started).toEqual([0, 1, 2]);
  });

  it('stops when the caller signal aborts: waiting parts never start, the StoppedError is thrown', async () => {
    const w = controlledWork(4);
    const controller = new AbortController();
    const run = runParts(parts(4), new SlotPool(1), controller.signal, w.work);
    await flush();
    expect(w.started).toEqual([0]);
    const stop = new StoppedError('paused');
    controller.abort(stop);
    await flush();
    expect(w.signals.get(0)?.aborted).toBe(true);
    expect(w.signals.get(0)?.reason).toBe(stop);
    // The in-flight part ends because of the stop.
    w.gates[0]?.reject(stop);
    await expect(run).rejects.toBe(stop);
    expect(w.started).toEqual([0]);
  });

  it('starts nothing when the signal is already aborted', async () => {
    const w = controlledWork(2);
    const controller = new AbortController();
    controller.abort(new StoppedError('shutdown'));
    await runParts(parts(2), new SlotPool(2), controller.signal, w.work).catch(() => {});
    expect(w.started).toEqual([]);
  });

  // Resolving here would tell the caller every part was sent when none was started.
  it('rejects with the StoppedError when the signal is already aborted', async () => {
    const controller = new AbortController();
    const stop = new StoppedError('paused');
    controller.abort(stop);
    await expect(runParts(parts(2), new SlotPool(2), controller.signal, async () => {})).rejects.toBe(stop);
  });

  it('gives all slots back, after success and after failure', async () => {
    const pool = new SlotPool(2);
    await runParts(parts(5), pool, new AbortController().signal, async () => {});
    await expect(
      runParts(parts(5), pool, new AbortController().signal, async (part) => {
        if (part === 2) throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    // Both slots are free: two acquires are granted immediately.
    const granted: number[] = [];
    void pool.acquire().then(() => granted.push(1));
    void pool.acquire().then(() => granted.push(2));
    await flush();
    expect(granted).toEqual([1, 2]);
  });

  it('resolves for an empty list', async () => {
    await expect(runParts([], new SlotPool(1), new AbortController().signal, async () => {})).resolves.toBeUndefined();
  });
});
