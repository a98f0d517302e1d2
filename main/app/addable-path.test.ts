import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addablePathProblem } from './addable-path.ts';

describe('what a window may name for upload', () => {
  let dir = '';
  let stateDir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-addable-'));
    stateDir = join(dir, 'state');
    mkdirSync(stateDir);
    writeFileSync(join(stateDir, 'state.sqlite3'), 'db');
    writeFileSync(join(dir, 'photo.jpg'), 'jpg');
    mkdirSync(join(dir, 'album'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('takes absolute paths to regular files and folders', async () => {
    expect(await addablePathProblem(join(dir, 'photo.jpg'), stateDir)).toBeUndefined();
    expect(await addablePathProblem(join(dir, 'album'), stateDir)).toBeUndefined();
    // Missing: adding it says so, as before.
    expect(await addablePathProblem(join(dir, 'missing.bin'), stateDir)).toBeUndefined();
  });

  it('refuses relative paths, which would be read from wherever Hoist was started', async () => {
    expect(await addablePathProblem('../../../../etc/passwd', stateDir)).toMatch(/give the full path/);
    expect(await addablePathProblem('photo.jpg', stateDir)).toMatch(/give the full path/);
  });

  it('refuses /proc, /sys and /dev, also through a link', async () => {
    expect(await addablePathProblem('/proc/self/environ', stateDir)).toBe('/proc/self/environ: files under /proc are not uploaded');
    expect(await addablePathProblem('/dev/null', stateDir)).toMatch(/under \/dev/);
    symlinkSync('/proc/self/environ', join(dir, 'innocent.txt'));
    expect(await addablePathProblem(join(dir, 'innocent.txt'), stateDir)).toMatch(/under \/proc/);
  });

  it('refuses Hoist’s own state directory and its files', async () => {
    expect(await addablePathProblem(join(stateDir, 'state.sqlite3'), stateDir)).toMatch(/own state directory/);
    expect(await addablePathProblem(stateDir, stateDir)).toMatch(/own state directory/);
  });
});
