import { describe, expect, it } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import type { SecretStore } from './secret-store.ts';
import { newTestApp } from './testing/test-app.ts';

// Where a target may send credentials and data (issue 15, point 1, in part):
// plain http:// only to this machine or when the user allowed it; a stored
// secret key never follows a target to another endpoint.
const fixture = useEngineFixture();

function memorySecrets(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { kind: 'encrypted', values, get: (id) => values.get(id), set: (id, secret) => values.set(id, secret), delete: (id) => values.delete(id) };
}

const base = { id: 't1', name: 'NAS', bucket: 'bucket' };

describe('targets.save', () => {
  it('refuses plain http:// to another machine unless allowed; this machine needs nothing', async () => {
    const { app } = newTestApp(fixture.newEngine(), fixture.store, { confirmTargetChange: async () => true });

    const refused = await app.dispatch('targets.save', { target: { ...base, endpoint: 'http://10.0.0.5:9000' } });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-payload', message: expect.stringContaining('plain http:// sends keys and data unencrypted') } });
    expect(app.targets()).toEqual([]);

    for (const endpoint of ['http://127.0.0.1:7480', 'http://localhost:9000', 'http://[::1]:9000', 'https://10.0.0.5:9000']) {
      expect((await app.dispatch('targets.save', { target: { ...base, endpoint } })).ok, endpoint).toBe(true);
    }
    const allowed = await app.dispatch('targets.save', { target: { ...base, endpoint: 'http://10.0.0.5:9000', allowInsecureHttp: true } });
    expect(allowed).toMatchObject({ ok: true, value: { endpoint: 'http://10.0.0.5:9000', allowInsecureHttp: true } });
  });

  it('drops the stored secret key when the endpoint changes, keeps it otherwise', async () => {
    const secrets = memorySecrets();
    // The user agrees to every change here (target-change-confirm.test.ts tests the asking).
    const { app } = newTestApp(fixture.newEngine(), fixture.store, { secrets, confirmTargetChange: async () => true });
    const keys = { ...base, endpoint: 'https://s3.one.example', credentials: { kind: 'keys' as const, accessKeyId: 'AKIA1' } };
    await app.dispatch('targets.save', { target: keys, secretAccessKey: 'secret-one' });

    const renamed = await app.dispatch('targets.save', { target: { ...keys, name: 'NAS (renamed)' } });
    expect(renamed).toMatchObject({ ok: true, value: { hasSecret: true } });
    expect(secrets.values.get('t1')).toBe('secret-one');

    const moved = await app.dispatch('targets.save', { target: { ...keys, endpoint: 'https://s3.elsewhere.example' } });
    expect(moved).toMatchObject({ ok: true, value: { hasSecret: false } });
    expect(secrets.values.has('t1')).toBe(false);

    // A secret typed with the move is the new endpoint's.
    await app.dispatch('targets.save', { target: { ...keys, endpoint: 'https://s3.third.example' }, secretAccessKey: 'secret-three' });
    expect(secrets.values.get('t1')).toBe('secret-three');
  });
});
