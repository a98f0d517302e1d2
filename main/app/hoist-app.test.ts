import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { ArchiveSource } from '../source/archive-source.ts';
import type { HoistApp } from './hoist-app.ts';
import type { RunResult } from '../engine/upload-engine.ts';
import type { HostCapabilities } from './host-capabilities.ts';
import type { SecretStore } from './secret-store.ts';
import { newTestApp } from './testing/test-app.ts';

// The app layer over a real engine and state store (in memory S3): what the
// UI's requests do, as both the Electron shell and the headless bridge see it.
const fixture = useEngineFixture();

function memorySecrets(): SecretStore & { values: Map<string, string> } {
  const values = new Map<string, string>();
  return { kind: 'encrypted', values, get: (id) => values.get(id), set: (id, secret) => values.set(id, secret), delete: (id) => values.delete(id) };
}

function newApp(host: Partial<HostCapabilities> = {}) {
  return newTestApp(fixture.newEngine({}, { archives: new ArchiveSource() }), fixture.store, host);
}

const target = { id: 't1', name: 'Backups', bucket: 'bucket', keyPrefix: 'pc' };

async function finished(app: HoistApp, count: number): Promise<void> {
  await vi.waitFor(() => expect(app.views().filter((view) => view.state === 'completed')).toHaveLength(count), { timeout: 10_000 });
}

describe('HoistApp', () => {
  it('adds files, and dropped folders as one folder upload each, under the target prefix and uploads them', async () => {
    const { app } = newApp();
    expect((await app.dispatch('targets.save', { target })).ok).toBe(true);
    const folder = join(fixture.dir, 'photos');
    mkdirSync(join(folder, 'june'), { recursive: true });
    writeFileSync(join(folder, 'june', 'a.jpg'), 'a');
    writeFileSync(join(folder, 'b.jpg'), 'bb');
    const single = fixture.writeSource(1234, 'single.bin');

    const result = await app.dispatch('uploads.add', { paths: [folder, single.path, join(fixture.dir, 'missing.bin')], targetId: 't1' });
    expect(result.ok).toBe(true);
    const value = result.ok ? (result.value as { added: Array<{ key: string; kind?: string }>; rejected: Array<{ path: string; reason: string }> }) : undefined;
    expect(value?.added.map((added) => [added.kind, added.key])).toEqual([
      ['folder', 'pc/photos/'],
      ['upload', 'pc/single.bin'],
    ]);
    expect(value?.rejected).toEqual([{ path: join(fixture.dir, 'missing.bin'), reason: `file not found: ${join(fixture.dir, 'missing.bin')}` }]);
    await finished(app, 1);
    // The folder is one entry of the queue, not one per file.
    expect(app.views().map((view) => view.key)).toEqual(['pc/single.bin']);
    await vi.waitFor(() => expect(app.folders.views().map((view) => view.state)).toEqual(['completed']), { timeout: 10_000 });
    // The same keys as files inside a dropped folder always had: the prefix, the folder's name, the path inside it.
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/photos/june/a.jpg' })?.body.toString()).toBe('a');
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/photos/b.jpg' })?.body.toString()).toBe('bb');
  });

  it('adds a folder as one .tar object when asked, made on the fly', async () => {
    const { app } = newApp();
    await app.dispatch('targets.save', { target });
    const folder = join(fixture.dir, 'album');
    mkdirSync(join(folder, 'june'), { recursive: true });
    writeFileSync(join(folder, 'june', 'a.jpg'), 'a'.repeat(3000));
    writeFileSync(join(folder, 'b.jpg'), 'bb');

    const result = await app.dispatch('uploads.add', { paths: [folder], targetId: 't1', folderMode: 'archive' });

    expect(result.ok && result.value).toMatchObject({ added: [{ path: folder, key: 'pc/album.tar', continued: false }], rejected: [] });
    await finished(app, 1);
    const source = new ArchiveSource();
    const { size } = await source.stat(folder);
    const reader = await source.open(folder);
    const expected = Buffer.from(await reader.read(0, size));
    await reader.close();
    expect(fixture.s3.getObject({ bucket: 'bucket', key: 'pc/album.tar' })?.body.equals(expected)).toBe(true);
    expect(expected.includes(Buffer.from('album/june/a.jpg'))).toBe(true);
  });

  it('refuses an add to an unknown target with a message naming what to do', async () => {
    const { app } = newApp();
    const result = await app.dispatch('uploads.add', { paths: ['/x'], targetId: 'nope' });
    expect(result).toEqual({ ok: false, error: { code: 'not-found', message: 'no target with id nope: add one under Targets first' } });
  });

  it('stores a typed secret only where it can be encrypted, and never returns it', async () => {
    const headless = newApp();
    const refused = await headless.app.dispatch('targets.save', { target: { ...target, credentials: { kind: 'keys', accessKeyId: 'AK' } }, secretAccessKey: 'SECRET' });
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.error.code).toBe('unsupported');

    const secrets = memorySecrets();
    const desktop = newApp({ mode: 'electron', secrets });
    const saved = await desktop.app.dispatch('targets.save', { target: { ...target, credentials: { kind: 'keys', accessKeyId: 'AK' } }, secretAccessKey: 'SECRET' });
    expect(saved.ok && saved.value).toMatchObject({ id: 't1', hasSecret: true });
    expect(JSON.stringify(saved)).not.toContain('SECRET');
    expect(JSON.stringify(await desktop.app.dispatch('targets.list', {}))).not.toContain('SECRET');
    expect(secrets.values.get('t1')).toBe('SECRET');
  });

  it('refuses to remove a target that unfinished uploads still use', async () => {
    const { app, engine } = newApp();
    await app.dispatch('targets.save', { target });
    const source = fixture.writeSource();
    await engine.addUpload({ path: source.path, location: { bucket: 'bucket', key: 'k' }, target: { endpoint: undefined, region: 'us-east-1', pathStyle: false }, targetId: 't1' });
    const result = await app.dispatch('targets.remove', { id: 't1' });
    expect(!result.ok && result.error.message).toMatch(/1 unfinished uploads use this target/);
  });

  it('keeps settings, validated, with defaults from the schema, and applies them', async () => {
    const { app, engine } = newApp();
    const setConcurrency = vi.spyOn(engine, 'setConcurrency');
    expect(await app.dispatch('settings.set', { concurrency: 7, expiryWarningHours: 48 })).toMatchObject({ ok: true, value: { concurrency: 7, expiryWarningHours: 48, partSizeMiB: 8 } });
    expect(setConcurrency).toHaveBeenCalledWith(7);
    // A later change to one setting leaves the others as they were.
    expect(await app.dispatch('settings.set', { notifications: false })).toMatchObject({ ok: true, value: { concurrency: 7, expiryWarningHours: 48, notifications: false } });
    expect((await app.dispatch('settings.get', {})).ok && app.settings().concurrency).toBe(7);
    expect((await app.dispatch('settings.set', { concurrency: -1 })).ok).toBe(false);
  });

  it('a source gone between runs is announced once as missing, as often as it is checked again', async () => {
    const notify = vi.fn();
    const { app, engine, events } = newApp({ notify });
    await app.dispatch('targets.save', { target });
    const source = fixture.writeSource(1234, 'gone.bin');
    const { record } = await engine.addUpload({ path: source.path, location: { bucket: 'bucket', key: 'k' }, target: { endpoint: undefined, region: 'us-east-1', pathStyle: false }, targetId: 't1' });
    renameSync(source.path, `${source.path}.away`);
    app.start(record.id);
    await vi.waitFor(() => expect(app.views()[0]?.state).toBe('missing'));
    await vi.waitFor(() => expect(notify).toHaveBeenCalledTimes(1));
    expect(notify).toHaveBeenCalledWith('File missing', 'gone.bin is gone or unreadable; its upload waits');
    await engine.resumeAll({ includePaused: false });
    await vi.waitFor(() => expect(events.filter(([name, payload]) => name === 'notice' && (payload as { message: string }).message.includes('is missing'))).toHaveLength(2));
    expect(notify).toHaveBeenCalledTimes(1);
  });

  it('warns once, with a notice and a notification, when an unfinished upload nears the server’s expiry', async () => {
    const notify = vi.fn();
    const { app, engine, events } = newApp({ notify });
    await app.dispatch('targets.save', { target: { ...target, expiryDays: 1 } });
    await app.dispatch('settings.set', { expiryWarningHours: 12 });
    const source = fixture.writeSource(6 * 1024 * 1024, 'slow.bin');
    const { record } = await engine.addUpload({ path: source.path, location: { bucket: 'bucket', key: 'slow.bin' }, target: { endpoint: undefined, region: 'us-east-1', pathStyle: false }, targetId: 't1' });
    fixture.store.setUploadId(record.id, 'mpu-x');
    const expiresAt = Date.now() + 20 * 3600_000;
    fixture.store.setExpiresAt(record.id, expiresAt);
    const warnings = () => events.filter(([name, payload]) => name === 'notice' && (payload as { message: string }).message.includes('will discard'));

    app.warnOfExpiry();
    expect(warnings()).toHaveLength(0);
    app.warnOfExpiry(expiresAt - 11 * 3600_000);
    app.warnOfExpiry(expiresAt - 10 * 3600_000);
    expect(warnings()).toHaveLength(1);
    // In this process's locale, as the desktop shows it; never the raw ISO text.
    expect(notify).toHaveBeenCalledWith('Upload expiring', `slow.bin: the server will discard the unfinished upload at ${new Date(expiresAt).toLocaleString()}; let it finish before then`);
    expect(warnings()[0]?.[1]).toMatchObject({ about: 'expiry', uploadId: record.id });
    expect(notify).toHaveBeenCalledTimes(1);
    // Renewed (a new expiry date): warned again when that one nears.
    fixture.store.setExpiresAt(record.id, expiresAt + 3600_000);
    app.warnOfExpiry(expiresAt - 5 * 3600_000);
    expect(notify).toHaveBeenCalledTimes(2);
  });

  it('runs again, now and then, the uploads a full disk stopped, and only those', async () => {
    const { app, engine } = newApp();
    const start = vi.spyOn(app, 'start').mockImplementation(() => undefined);
    const finished = (result: Partial<RunResult>) =>
      (engine as unknown as { events: { emit(event: unknown): void } }).events.emit({
        type: 'finished',
        result: { id: 'x', outcome: 'failed', error: 'e', bytesSent: 0, partsSkipped: 0, restarted: false, ...result },
      });
    finished({ id: 'full', waitingForSpace: true });
    finished({ id: 'other' });
    app.retryWaitingForSpace();
    expect(start.mock.calls).toEqual([['full']]);
    app.retryWaitingForSpace();
    expect(start).toHaveBeenCalledTimes(1);
  });

  it('says the file dialog and reveal need the desktop app when headless', async () => {
    const { app } = newApp();
    expect(await app.dispatch('dialog.pickPaths', { folders: false })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await app.dispatch('app.info', {})).toMatchObject({ ok: true, value: { mode: 'headless', canPickFiles: false, secretStorage: 'unavailable' } });
  });
});
