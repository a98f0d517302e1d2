import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useEngineFixture } from '../engine/testing/engine-fixture.ts';
import { browseFolder } from './browse-folder.ts';
import { newTestApp } from './testing/test-app.ts';

describe('browsing folders for the headless picker', () => {
  let home: string;
  let stateDir: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'hoist-browse-'));
    stateDir = join(home, '.config', 'Hoist');
    mkdirSync(stateDir, { recursive: true });
    mkdirSync(join(home, 'videos'));
    mkdirSync(join(home, 'Photos 2'));
    mkdirSync(join(home, 'Photos 10'));
    writeFileSync(join(home, 'notes.txt'), 'hello');
    writeFileSync(join(home, 'big.bin'), Buffer.alloc(4096));
    symlinkSync(join(home, 'videos'), join(home, 'link-to-videos'));
    symlinkSync(join(home, 'gone'), join(home, 'dangling'));
    symlinkSync(stateDir, join(home, 'state-link'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  const browse = (path: string | null, offset = 0, limit = 500) => browseFolder({ path, offset, limit }, stateDir, home);

  it('starts at home: folders first, then files, by name (numbers in order), with sizes; links are what they point at', async () => {
    const result = await browse(null);
    expect(result.path).toBe(home);
    expect(result.parent).toBe(join(home, '..'));
    expect(result.entries).toEqual([
      { name: '.config', kind: 'folder', size: null },
      { name: 'link-to-videos', kind: 'folder', size: null },
      { name: 'Photos 2', kind: 'folder', size: null },
      { name: 'Photos 10', kind: 'folder', size: null },
      { name: 'videos', kind: 'folder', size: null },
      { name: 'big.bin', kind: 'file', size: 4096 },
      { name: 'notes.txt', kind: 'file', size: 5 },
      { name: 'dangling', kind: 'other', size: null },
    ]);
    expect(result).toMatchObject({ total: 8, capped: false });
  });

  it('pages through a folder', async () => {
    const first = await browse(home, 0, 3);
    const second = await browse(home, 3, 3);
    expect(first.entries.map((entry) => entry.name)).toEqual(['.config', 'link-to-videos', 'Photos 2']);
    expect(second.entries.map((entry) => entry.name)).toEqual(['Photos 10', 'videos', 'big.bin']);
    expect(second.total).toBe(8);
  });

  it("never lists Hoist's state directory (by any path) nor /proc, /sys, /dev, and leaves them out of listings", async () => {
    await expect(browse(stateDir)).rejects.toThrow("Hoist's own state directory is not shown");
    await expect(browse(join(home, 'state-link'))).rejects.toThrow("state directory");
    await expect(browse('/proc')).rejects.toThrow('/proc is not shown');
    await expect(browse('/proc/self')).rejects.toThrow('/proc is not shown');
    await expect(browse('/dev')).rejects.toThrow('/dev is not shown');
    const config = await browse(join(home, '.config'));
    expect(config.entries).toEqual([]);
    const root = await browse('/');
    expect(root.parent).toBeNull();
    expect(root.entries.map((entry) => entry.name)).not.toContain('proc');
    expect(root.entries.map((entry) => entry.name)).not.toContain('sys');
    expect(root.entries.map((entry) => entry.name)).not.toContain('dev');
  });

  it('refuses relative paths, files and missing folders with a clear message', async () => {
    await expect(browse('videos')).rejects.toThrow('give the full path');
    await expect(browse(join(home, 'notes.txt'))).rejects.toThrow('is a file, not a folder');
    await expect(browse(join(home, 'nope'))).rejects.toThrow('no such folder');
  });
});

describe('files.browse through the app', () => {
  const fixture = useEngineFixture();

  it('answers headless, and is refused in the desktop app (which has the system dialog)', async () => {
    const headless = newTestApp(fixture.newEngine(), fixture.store, { mode: 'headless' });
    const listed = await headless.app.dispatch('files.browse', { path: fixture.dir });
    expect(listed).toMatchObject({ ok: true, value: { path: expect.any(String), capped: false } });
    const desktop = newTestApp(fixture.newEngine(), fixture.store, { mode: 'electron' });
    expect(await desktop.app.dispatch('files.browse', { path: fixture.dir })).toMatchObject({ ok: false, error: { code: 'unsupported' } });
  });
});
