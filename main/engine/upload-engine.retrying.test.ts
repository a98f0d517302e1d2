import { describe, expect, it } from 'vitest';
import { S3Failure } from './errors.ts';
import type { Clock } from './ports/clock.ts';
import { useEngineFixture } from './testing/engine-fixture.ts';

// While a failed request waits for its next attempt, the upload's row says so:
// when the next attempt goes, why, and which retry of how many. Progress clears it.

const fixture = useEngineFixture();

/** A clock whose sleeps wait until the test lets them go, so the wait can be looked at. */
function heldClock() {
  const sleeps: Array<{ ms: number; wake: () => void }> = [];
  const clock: Clock = {
    now: () => 1_000_000,
    sleep: (ms) => new Promise<void>((wake) => sleeps.push({ ms, wake })),
  };
  return { clock, sleeps };
}

async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !check(); i += 1) await new Promise((resolve) => setTimeout(resolve, 5));
  expect(check()).toBe(true);
}

describe('the retry an upload waits for', () => {
  it('is in its snapshot while it waits (when, why, n of max), and gone once the request went through', async () => {
    const { clock, sleeps } = heldClock();
    const engine = fixture.newEngine({ retryPolicy: { maxRetries: 10, baseDelayMs: 4000, maxDelayMs: 30_000 } }, { clock });
    const { path, content } = fixture.writeSource();
    const id = await fixture.addUpload(engine, path);
    const refused = new S3Failure('retryable', 'connection refused by 127.0.0.1:7482 (CreateMultipartUpload: ECONNREFUSED)', 'ECONNREFUSED', undefined);
    fixture.s3.failNext('createMultipartUpload', refused, { times: 3 });
    const seen: Array<unknown> = [];
    engine.on((event) => {
      if (event.type === 'progress') for (const view of event.uploads) if (view.id === id) seen.push(view.retrying ?? null);
    });

    const run = engine.run(id);
    await until(() => sleeps.length === 1);
    const [first] = engine.snapshot([id]);
    expect(first?.retrying).toEqual({ at: new Date(1_000_000 + (sleeps[0]?.ms ?? 0)).toISOString(), cause: refused.message, attempt: 1, of: 10 });
    expect(first?.state).not.toBe('failed');

    sleeps[0]?.wake();
    await until(() => sleeps.length === 2);
    expect(engine.snapshot([id])[0]?.retrying).toMatchObject({ attempt: 2, of: 10, cause: refused.message });
    sleeps[1]?.wake();
    await until(() => sleeps.length === 3);
    expect(engine.snapshot([id])[0]?.retrying).toMatchObject({ attempt: 3, of: 10 });
    sleeps[2]?.wake();

    // No more failures: the rest goes through (any later sleep is not a retry).
    const waker = setInterval(() => sleeps.forEach((sleep) => sleep.wake()), 5);
    const result = await run;
    clearInterval(waker);
    expect(result.outcome).toBe('completed');
    fixture.expectObjectEquals(content);
    expect(engine.snapshot([id])[0]?.retrying).toBeNull();
    // Events (coalesced) carried it while it waited, then its end.
    expect(seen).toContainEqual(expect.objectContaining({ cause: refused.message, of: 10 }));
    expect(seen.at(-1)).toBeNull();
  });

  it('gone when the budget is spent and the upload fails', async () => {
    const { clock, sleeps } = heldClock();
    const engine = fixture.newEngine({ retryPolicy: { maxRetries: 2, baseDelayMs: 10, maxDelayMs: 10 } }, { clock });
    const { path } = fixture.writeSource();
    const id = await fixture.addUpload(engine, path);
    fixture.s3.failNext('createMultipartUpload', new S3Failure('retryable', 'connection refused by 127.0.0.1:7482', 'ECONNREFUSED', undefined), { times: 5 });
    const waker = setInterval(() => sleeps.forEach((sleep) => sleep.wake()), 5);
    const result = await engine.run(id);
    clearInterval(waker);
    expect(result.outcome).toBe('failed');
    const [view] = engine.snapshot([id]);
    expect(view?.state).toBe('failed');
    expect(view?.retrying).toBeNull();
    expect(view?.lastError).toContain('connection refused by 127.0.0.1:7482');
  });
});
