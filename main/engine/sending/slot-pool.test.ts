import { describe, expect, it } from 'vitest';
import { StoppedError } from '../errors.ts';
import { SlotPool } from './slot-pool.ts';

/** Lets pending promise callbacks run (grants are resolved promises). */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Tracks which acquires have been granted, in order. */
function track(pool: SlotPool, label: string, order: string[], signal?: AbortSignal): Promise<() => void> {
  return pool.acquire(signal).then((release) => {
    order.push(label);
    return release;
  });
}

describe('SlotPool', () => {
  it('refuses a capacity under one', () => {
    expect(() => new SlotPool(0)).toThrow(RangeError);
  });

  it('grants up to capacity at once and makes the rest wait', async () => {
    const pool = new SlotPool(2);
    const order: string[] = [];
    const a = track(pool, 'a', order);
    const b = track(pool, 'b', order);
    void track(pool, 'c', order);
    await flush();
    expect(order).toEqual(['a', 'b']);
    (await a)();
    await flush();
    expect(order).toEqual(['a', 'b', 'c']);
    await b;
  });

  it('never runs more than capacity workers at the same time', async () => {
    const pool = new SlotPool(3);
    let active = 0;
    let maxActive = 0;
    const worker = async (i: number): Promise<void> => {
      const release = await pool.acquire();
      active += 1;
      maxActive = Math.max(maxActive, active);
      // Hold the slot for a varying number of turns so workers overlap unevenly.
      for (let turn = 0; turn < (i % 4) + 1; turn += 1) await flush();
      active -= 1;
      release();
    };
    await Promise.all(Array.from({ length: 20 }, (_, i) => worker(i)));
    expect(maxActive).toBe(3);
    expect(active).toBe(0);
  });

  it('grants waiting acquires in FIFO order', async () => {
    const pool = new SlotPool(1);
    const order: string[] = [];
    const first = await pool.acquire();
    const waiting = ['w1', 'w2', 'w3', 'w4'].map((label) => track(pool, label, order));
    first();
    for (const next of waiting) (await next)();
    expect(order).toEqual(['w1', 'w2', 'w3', 'w4']);
  });

  it('rejects a waiting acquire with the StoppedError given as abort reason, and drops it from the queue', async () => {
    const pool = new SlotPool(1);
    const order: string[] = [];
    const held = await pool.acquire();
    const controller = new AbortController();
    const aborted = track(pool, 'aborted', order, controller.signal);
    const later = track(pool, 'later', order);
    const stop = new StoppedError('paused');
    controller.abort(stop);
    await expect(aborted).rejects.toBe(stop);
    held();
    await later;
    // The aborted waiter never took a slot: the next one got it.
    expect(order).toEqual(['later']);
  });

  it('rejects with StoppedError("shutdown") when aborted with another reason, also when already aborted', async () => {
    const pool = new SlotPool(1);
    await pool.acquire();
    const controller = new AbortController();
    const waiting = pool.acquire(controller.signal);
    controller.abort(new Error('not a stop'));
    await expect(waiting).rejects.toMatchObject({ name: 'StoppedError', reason: 'shutdown' });

    const free = new SlotPool(1);
    const done = new AbortController();
    done.abort(new StoppedError('cancelled'));
    // Even with a free slot, an aborted signal gets no slot.
    await expect(free.acquire(done.signal)).rejects.toMatchObject({ reason: 'cancelled' });
    const release = await free.acquire();
    expect(release).toBeTypeOf('function');
  });

  it('ignores an abort after the slot was granted', async () => {
    const pool = new SlotPool(1);
    const controller = new AbortController();
    const release = await pool.acquire(controller.signal);
    controller.abort(new StoppedError('paused'));
    const order: string[] = [];
    void track(pool, 'next', order);
    await flush();
    expect(order).toEqual([]); // the slot is still held
    release();
    await flush();
    expect(order).toEqual(['next']);
  });

  it('release is idempotent: releasing twice frees one slot only', async () => {
    const pool = new SlotPool(1);
    const order: string[] = [];
    const release = await pool.acquire();
    void track(pool, 'b', order);
    void track(pool, 'c', order);
    release();
    release();
    await flush();
    expect(order).toEqual(['b']);
  });

  it('resize grows capacity at once and shrinks it as slots come back', async () => {
    const pool = new SlotPool(1);
    const order: string[] = [];
    const a = await pool.acquire();
    const b = track(pool, 'b', order);
    const c = track(pool, 'c', order);
    pool.resize(3);
    await flush();
    expect(order).toEqual(['b', 'c']);
    expect(pool.size).toBe(3);

    pool.resize(1);
    void track(pool, 'd', order);
    a();
    (await b)();
    await flush();
    expect(order).toEqual(['b', 'c']); // c still holds the only slot
    (await c)();
    await flush();
    expect(order).toEqual(['b', 'c', 'd']);
  });

  it('resize never goes below one slot', () => {
    const pool = new SlotPool(2);
    pool.resize(0);
    expect(pool.size).toBe(1);
  });
});
