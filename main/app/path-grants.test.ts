import { describe, expect, it } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { PathGrants } from './path-grants.ts';
import { RAW_PATH_REFUSED } from './requested-paths.ts';
import { newTestApp } from './testing/test-app.ts';

// Issue 15, "any file to any server": in the desktop app a window names files
// only by grants main issued for paths the user chose; headless keeps raw paths.
const fixture = useEngineFixture();

async function appWith(grants?: PathGrants) {
  const { app } = newTestApp(fixture.newEngine(), fixture.store, grants ? { mode: 'electron', pathGrants: grants } : {});
  await app.dispatch('targets.save', { target: { id: 't1', name: 'Backups', bucket: 'bucket' } });
  // Saving tried the target; from here on nothing may reach the server.
  fixture.s3.calls.length = 0;
  return app;
}

describe('PathGrants', () => {
  it('issues an unguessable grant per path, the same one again for the same path, and forgets the oldest past its bound', () => {
    const grants = new PathGrants(2);
    const a = grants.issue('/data/a.bin');
    expect(a.grant).toMatch(/^g_[A-Za-z0-9_-]{24}$/);
    expect(grants.issue('/data/a.bin')).toEqual(a);
    const b = grants.issue('/data/b.bin');
    expect(b.grant).not.toBe(a.grant);
    expect(grants.resolve(b.grant)).toBe('/data/b.bin');
    grants.issue('/data/c.bin');
    expect(grants.resolve(a.grant)).toBeUndefined();
    expect(grants.resolve('g_nothingIssuedNothingIssued')).toBeUndefined();
  });
});

describe('a host with grants (Electron)', () => {
  it('adds what a grant names, and rejects a grant it never issued', async () => {
    const grants = new PathGrants();
    const app = await appWith(grants);
    const { path } = fixture.writeSource(1000, 'chosen.bin');
    const chosen = grants.issue(path);
    const forged = 'g_AAAAAAAAAAAAAAAAAAAAAAAA';

    const result = await app.dispatch('uploads.add', { grants: [chosen.grant, forged], targetId: 't1' });

    expect(result).toMatchObject({
      ok: true,
      value: { added: [{ path, key: 'chosen.bin', kind: 'upload' }], rejected: [{ path: forged, reason: expect.stringContaining('choose or drop it again') }] },
    });
  });

  it('refuses a raw path outright, however harmless, and records nothing', async () => {
    const app = await appWith(new PathGrants());
    const { path } = fixture.writeSource(1000, 'typed.bin');

    const result = await app.dispatch('uploads.add', { paths: [path], targetId: 't1' });
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: RAW_PATH_REFUSED } });
    const adopt = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId: 'mpu-1', path });
    expect(adopt).toEqual({ ok: false, error: { code: 'forbidden', message: RAW_PATH_REFUSED } });
    expect(fixture.store.listUploads()).toEqual([]);
    expect(fixture.s3.calls).toEqual([]);
  });

  it('still holds a granted path to the rules for any path (a grant is no way around them)', async () => {
    const grants = new PathGrants();
    const app = await appWith(grants);
    const result = await app.dispatch('uploads.add', { grants: [grants.issue('/proc/self/environ').grant], targetId: 't1' });
    expect(result).toMatchObject({ ok: true, value: { added: [], rejected: [{ path: '/proc/self/environ', reason: expect.stringContaining('under /proc') }] } });
    const adopt = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId: 'mpu-1', grant: grants.issue('/dev/zero').grant });
    expect(adopt).toMatchObject({ ok: false, error: { message: expect.stringContaining('under /dev') } });
    expect(fixture.s3.calls).toEqual([]);
  });
});

describe('a host without grants (headless)', () => {
  it('takes raw paths and refuses grants, which mean nothing there', async () => {
    const app = await appWith();
    const { path } = fixture.writeSource(1000, 'typed.bin');
    expect(await app.dispatch('uploads.add', { paths: [path], targetId: 't1' })).toMatchObject({ ok: true, value: { added: [{ path }] } });
    const granted = await app.dispatch('uploads.add', { grants: ['g_AAAAAAAAAAAAAAAAAAAAAAAA'], targetId: 't1' });
    expect(granted).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });

  it('holds an adopted file to the same rules as an added one', async () => {
    const app = await appWith();
    const adopt = await app.dispatch('orphans.adopt', { targetId: 't1', uploadId: 'mpu-1', path: '/proc/self/environ' });
    expect(adopt).toEqual({ ok: false, error: { code: 'failed', message: '/proc/self/environ: files under /proc are not uploaded' } });
    expect(fixture.s3.calls).toEqual([]);
  });
});
