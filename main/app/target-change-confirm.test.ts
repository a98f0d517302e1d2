import { describe, expect, it } from 'vitest';
import type { Target } from '../../shared/ipc-contract.ts';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { ConfirmationCodes, CONFIRMATION_TTL_MS } from './confirmation-codes.ts';
import type { TargetChange } from './target-change.ts';
import { targetChangeOf } from './target-change.ts';
import { newTestApp } from './testing/test-app.ts';

// Issue 15, point 1: an existing target's endpoint or credentials change only
// after a confirmation in main: the host's native dialog (Electron), or in
// headless mode a one-time code bound to the exact change that the page sends
// back after showing main's question.
const fixture = useEngineFixture();

const nas = { id: 't1', name: 'NAS', bucket: 'bucket', endpoint: 'https://s3.one.example' };
const moved = { ...nas, endpoint: 'https://s3.elsewhere.example' };

async function appWithTarget(host: Parameters<typeof newTestApp>[2] = {}) {
  const { app } = newTestApp(fixture.newEngine(), fixture.store, host);
  expect((await app.dispatch('targets.save', { target: nas })).ok).toBe(true);
  return app;
}

const savedEndpoint = (app: Awaited<ReturnType<typeof appWithTarget>>) => app.target('t1')?.endpoint;

describe('headless: a one-time code', () => {
  it('refuses the change without a code, saving nothing, and asks main’s question', async () => {
    const app = await appWithTarget();
    const answer = await app.dispatch('targets.save', { target: moved });
    expect(answer).toEqual({
      ok: false,
      error: {
        code: 'confirm-required',
        message: 'Change the endpoint of "NAS" from https://s3.one.example to https://s3.elsewhere.example?',
        confirm: { code: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/), question: 'Change the endpoint of "NAS" from https://s3.one.example to https://s3.elsewhere.example?' },
      },
    });
    expect(savedEndpoint(app)).toBe('https://s3.one.example');
  });

  it('saves the change sent again with its code, once', async () => {
    const app = await appWithTarget();
    const first = await app.dispatch('targets.save', { target: moved });
    const code = !first.ok ? first.error.confirm?.code : undefined;
    expect(code).toBeDefined();
    expect(await app.dispatch('targets.save', { target: moved, confirmation: code })).toMatchObject({ ok: true, value: { endpoint: moved.endpoint } });
    expect(savedEndpoint(app)).toBe(moved.endpoint);

    // Spent: the same code cannot move the target back (nor anywhere else).
    const back = await app.dispatch('targets.save', { target: nas, confirmation: code });
    expect(back).toMatchObject({ ok: false, error: { code: 'confirm-required' } });
    expect(savedEndpoint(app)).toBe(moved.endpoint);
  });

  it('refuses a code given for another change, and a made-up one', async () => {
    const app = await appWithTarget();
    const first = await app.dispatch('targets.save', { target: moved });
    const code = !first.ok ? first.error.confirm?.code : undefined;
    const other = await app.dispatch('targets.save', { target: { ...nas, endpoint: 'https://evil.example' }, confirmation: code });
    expect(other).toMatchObject({ ok: false, error: { code: 'confirm-required', message: expect.stringContaining('https://evil.example') } });
    // The code was spent on the wrong change: it does not work for its own either.
    expect(await app.dispatch('targets.save', { target: moved, confirmation: code })).toMatchObject({ ok: false, error: { code: 'confirm-required' } });
    expect(await app.dispatch('targets.save', { target: moved, confirmation: 'made-up' })).toMatchObject({ ok: false, error: { code: 'confirm-required' } });
    expect(savedEndpoint(app)).toBe('https://s3.one.example');
  });

  it('asks for credentials, region and addressing too, never for a new target or a rename', async () => {
    const app = await appWithTarget();
    expect((await app.dispatch('targets.save', { target: { ...nas, name: 'NAS 2', bucket: 'other-bucket', keyPrefix: 'p/', expiryDays: 3 } })).ok).toBe(true);
    for (const change of [{ region: 'eu-west-1' }, { pathStyle: true }, { credentials: { kind: 'chain' as const, profile: 'other' } }]) {
      const answer = await app.dispatch('targets.save', { target: { ...nas, name: 'NAS 2', ...change } });
      expect(answer, JSON.stringify(change)).toMatchObject({ ok: false, error: { code: 'confirm-required' } });
    }
    expect(app.target('t1')).toMatchObject({ region: 'us-east-1', pathStyle: false, credentials: { kind: 'chain' } });
  });
});

describe('a host with a native dialog', () => {
  it('saves only what the user agreed to, with main’s description of the change', async () => {
    const asked: TargetChange[] = [];
    let agree = false;
    const app = await appWithTarget({ confirmTargetChange: async (change) => (asked.push(change), agree) });

    const declined = await app.dispatch('targets.save', { target: moved });
    expect(declined).toMatchObject({ ok: false, error: { code: 'failed', message: 'not saved: the change to "NAS" was not confirmed' } });
    expect(savedEndpoint(app)).toBe('https://s3.one.example');
    expect(asked[0]).toMatchObject({ targetId: 't1', lines: [{ what: 'the endpoint', from: 'https://s3.one.example', to: 'https://s3.elsewhere.example' }] });

    agree = true;
    expect((await app.dispatch('targets.save', { target: moved })).ok).toBe(true);
    expect(savedEndpoint(app)).toBe(moved.endpoint);
    // A rename asks nothing.
    expect((await app.dispatch('targets.save', { target: { ...moved, name: 'Renamed' } })).ok).toBe(true);
    expect(asked).toHaveLength(2);
  });
});

describe('targetChangeOf', () => {
  const base: Target = { ...nas, region: 'us-east-1', keyPrefix: '', pathStyle: false, credentials: { kind: 'chain' }, expiryDays: 7, allowInsecureHttp: false };
  it('describes several changes in one question, AWS for an empty endpoint', () => {
    const change = targetChangeOf(base, { ...base, endpoint: '', credentials: { kind: 'keys', accessKeyId: 'AKIAEXAMPLE' } });
    expect(change?.question).toBe('Change target "NAS": the endpoint from https://s3.one.example to AWS S3; the credentials from the default AWS credentials to access key AKIAEXAMPLE?');
    expect(targetChangeOf(undefined, base)).toBeUndefined();
    expect(targetChangeOf(base, { ...base, name: 'x', bucket: 'other' })).toBeUndefined();
  });
});

describe('ConfirmationCodes', () => {
  it('expires a code after its time', () => {
    let now = 1_000;
    const codes = new ConfirmationCodes(() => now);
    const code = codes.issue('change');
    now += CONFIRMATION_TTL_MS;
    expect(codes.take(code, 'change')).toBe(false);
    const fresh = codes.issue('change');
    now += CONFIRMATION_TTL_MS - 1;
    expect(codes.take(fresh, 'change')).toBe(true);
  });
});
