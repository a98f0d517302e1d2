import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startShell } from './start-shell.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

// Issue 15, point 2: an ordinary failure to start (here a state directory that
// is a file) is one line in the desktop app's log file and console, no stack.
const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;
const saved = process.env.HOIST_STATE_DIR;
let work: string;

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'hoist-start-failure-'));
});

afterEach(async () => {
  if (saved === undefined) delete process.env.HOIST_STATE_DIR;
  else process.env.HOIST_STATE_DIR = saved;
  vi.restoreAllMocks();
  await rm(work, { recursive: true, force: true });
});

describe('the desktop app that cannot start', () => {
  it('says why in one line, in hoist.log and on the console, shows it and exits 1', async () => {
    resetFakeElectron();
    fake.appPath = join(work, 'app');
    fake.paths.set('logs', join(work, 'logs'));
    process.env.HOIST_STATE_DIR = join(work, 'not-a-directory');
    await writeFile(process.env.HOIST_STATE_DIR, 'a file where the state directory should be');
    const console = vi.spyOn(globalThis.console, 'log').mockImplementation(() => undefined);

    startShell();
    await vi.waitFor(() => expect(fake.exitCodes).toEqual([1]));

    const logged = await readFile(join(work, 'logs', 'hoist.log'), 'utf8');
    const failure = logged.split('\n').filter((line) => line.includes('could not start'));
    expect(failure).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z could not start: .*not-a-directory/)]);
    expect(logged).not.toMatch(STACK_FRAME);
    // Not a stack folded onto the line either.
    expect(failure[0]).not.toMatch(/\| at /);
    expect(console.mock.calls.flat().join('\n')).not.toMatch(STACK_FRAME);
    expect(fake.errorBoxes).toEqual([expect.stringMatching(/^Hoist could not start: .*not-a-directory/)]);
  });
});
