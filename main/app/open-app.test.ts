import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventPayload } from '../../shared/ipc-contract.ts';
import { StateLockHeldError } from '../store/state-lock.ts';
import { addFolders, overwritePage, rootPageOf, writeStateDatabase } from '../store/testing/damaged-database.ts';
import { openHoistApp } from './open-app.ts';
import type { OpenedApp } from './open-app.ts';
import { UnavailableSecretStore } from './secret-store.ts';

// The app's start over the real state directory: a damaged database does not
// stop it, and it is the directory's one writer while it runs.

let stateDir = '';
let logs: string[] = [];
const opened: OpenedApp[] = [];

beforeEach(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'hoist-open-app-'));
  logs = [];
});

afterEach(async () => {
  for (const app of opened.splice(0)) await app.close();
  rmSync(stateDir, { recursive: true, force: true });
});

function open(): OpenedApp {
  const app = openHoistApp({
    stateDir,
    host: { mode: 'headless', version: 'test', platform: 'linux', secrets: new UnavailableSecretStore('none'), log: (message) => logs.push(message) },
  });
  opened.push(app);
  return app;
}

describe('openHoistApp', () => {
  it('starts over a damaged state database: moves it aside, tells every UI that connects, keeps the targets, reports each upload', async () => {
    const file = join(stateDir, 'state.sqlite3');
    // Five uploads whose files are not on this machine: three sent in part, one never sent, one finished.
    writeStateDatabase(file, 5);
    overwritePage(file, rootPageOf(file, 'parts'));

    const { app } = open();
    expect(readdirSync(stateDir).some((name) => /^state\.sqlite3\.damaged-\d{8}T\d{6}Z$/.test(name))).toBe(true);
    expect(logs[0]).toMatch(/^Hoist: the state database was damaged \(.+\); it was moved aside to .*state\.sqlite3\.damaged-\S+ and a new one started\. 5 uploads, 2 targets and 3 settings could be read from it$/);
    expect(app.deps.config.listTargets()).toEqual([
      { id: 't1', name: 'backups', bucket: 'b1' },
      { id: 't2', name: 'photos', bucket: 'b2' },
    ]);
    expect(app.settings().concurrency).toBe(6);

    // A UI that connects later still gets the notices of this start.
    await vi.waitFor(() => expect(logs.filter((line) => line.startsWith('not rebuilt: '))).toHaveLength(4));
    const notices: Array<EventPayload<'notice'>> = [];
    app.on((name, payload) => {
      if (name === 'notice') notices.push(payload as EventPayload<'notice'>);
    });
    expect(notices[0]).toMatchObject({ level: 'warning', message: expect.stringMatching(/^Hoist: the state database was damaged .* moved aside to /) });
    expect(notices.filter((notice) => notice.level === 'warning' && /^not rebuilt: .* the file is not there/.test(notice.message))).toHaveLength(3);
    expect(notices.some((notice) => /^not rebuilt: .* it had not reached the server yet/.test(notice.message))).toBe(true);
    expect(notices.at(-1)).toEqual({ level: 'info', message: '1 finished upload: only its history was lost' });
    expect(app.views()).toEqual([]);
  });

  it('reports each folder read from a damaged database: recorded again, or why not', async () => {
    const file = join(stateDir, 'state.sqlite3');
    writeStateDatabase(file, 0);
    // Six folders not on this machine: four unfinished, two finished; one big file's upload of the first.
    addFolders(file);
    overwritePage(file, rootPageOf(file, 'folder_files'));

    const { app } = open();
    expect(logs[0]).toMatch(/ 6 folders, 1 upload, 2 targets and 3 settings could be read from it$/);
    // Folders first: which of them were rebuilt decides which uploads are left to them.
    await vi.waitFor(() => expect(logs.at(-1)).toMatch(/^not rebuilt: \/data\/folders\/f1\/big\.mov /));
    expect(logs).toContain('2 finished folders: only their history was lost');
    const folderLines = logs.filter((line) => line.startsWith('not rebuilt: folder '));
    expect(folderLines.map((line) => /^not rebuilt: folder (\S+) to \S+: the folder is not there/.exec(line)?.[1])).toEqual(['/data/folders/f1', '/data/folders/f3', '/data/folders/f4', '/data/folders/f6']);
    // Its folder was not rebuilt: the big file's upload is tried on its own, as any upload.
    expect(logs.at(-1)).toMatch(/^not rebuilt: \/data\/folders\/f1\/big\.mov to s3:\/\/b1\/photos\/big\.mov: the file is not there/);
    expect(app.folders.engine.store.listFolders()).toEqual([]);
  });

  it('is the one writer of its state directory while it runs', async () => {
    const first = open();
    expect(() => open()).toThrow(StateLockHeldError);
    expect(() => open()).toThrow(new RegExp(`^another Hoist \\(pid ${process.pid}, this process\\) is using the state directory ${stateDir}`));
    await first.close();
    opened.splice(opened.indexOf(first), 1);
    expect(open().app.views()).toEqual([]);
  });
});
