import { describe, expect, it, vi } from 'vitest';
import { dispatchRequest, UserFacingError } from './dispatch.ts';
import type { RequestHandlers } from './dispatch.ts';

function handlers(overrides: Partial<RequestHandlers>): RequestHandlers {
  return new Proxy(overrides as RequestHandlers, {
    get: (target, name: string) => target[name as keyof RequestHandlers] ?? (async () => ({ ok: true })),
  });
}

describe('dispatchRequest', () => {
  it('refuses an unknown channel with a typed error', async () => {
    expect(await dispatchRequest(handlers({}), 'fs.readFile', {})).toEqual({
      ok: false,
      error: { code: 'unknown-channel', message: 'unknown request "fs.readFile"' },
    });
  });

  it('refuses an invalid payload without calling the handler', async () => {
    const pause = vi.fn(async () => ({ ok: true as const }));
    const result = await dispatchRequest(handlers({ 'uploads.pause': pause }), 'uploads.pause', { id: 42 });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe('invalid-payload');
    expect(!result.ok && result.error.message).toMatch(/uploads\.pause/);
    expect(pause).not.toHaveBeenCalled();
  });

  it('passes the parsed payload (with schema defaults) to the handler', async () => {
    const save = vi.fn(async (input: { target: { region: string } }) => ({ ...input.target, hasSecret: false }));
    const result = await dispatchRequest(handlers({ 'targets.save': save as never }), 'targets.save', { target: { id: 't', name: 'n', bucket: 'bucket-a' } });
    expect(result.ok).toBe(true);
    expect(save.mock.calls[0]?.[0].target.region).toBe('us-east-1');
  });

  it('turns a user-facing failure into its code and message', async () => {
    const result = await dispatchRequest(
      handlers({ 'uploads.cancel': async () => Promise.reject(new UserFacingError('not-found', 'no upload with id x')) }),
      'uploads.cancel',
      { id: 'x' },
    );
    expect(result).toEqual({ ok: false, error: { code: 'not-found', message: 'no upload with id x' } });
  });

  it('turns an unexpected failure into a message without a stack, and logs it on one line with where it was thrown', async () => {
    const log = vi.fn();
    const result = await dispatchRequest(handlers({ 'uploads.list': async () => Promise.reject(new Error('disk on fire\nsecond line')) }), 'uploads.list', {}, log);
    expect(result).toEqual({ ok: false, error: { code: 'failed', message: 'disk on fire\nsecond line' } });
    expect(log).toHaveBeenCalledTimes(1);
    const line = String(log.mock.calls[0]?.[0]);
    expect(line).toMatch(/^uploads\.list failed: disk on fire \| second line \(Error at .+dispatch\.test\.ts:\d+:\d+\)?\)$/);
    expect(line).not.toContain('\n');
  });

  it('treats a missing payload as an empty object', async () => {
    expect((await dispatchRequest(handlers({ 'uploads.list': async () => [] }), 'uploads.list', undefined)).ok).toBe(true);
  });
});
