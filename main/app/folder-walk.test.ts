import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { walkFolder } from './folder-walk.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-walk-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('walkFolder', () => {
  it('lists every file with its key under the folder name, sorted', async () => {
    const root = join(dir, 'photos');
    mkdirSync(join(root, '2024', 'june'), { recursive: true });
    writeFileSync(join(root, 'b.jpg'), 'b');
    writeFileSync(join(root, 'a.jpg'), 'a');
    writeFileSync(join(root, '2024', 'june', 'c.jpg'), 'c');
    const result = await walkFolder(root);
    expect(result.files.map((file) => file.keySuffix)).toEqual(['photos/2024/june/c.jpg', 'photos/a.jpg', 'photos/b.jpg']);
    expect(result.files[1]?.path).toBe(join(root, 'a.jpg'));
    expect(result.skipped).toEqual([]);
  });

  it('does not follow symbolic links, so a link loop cannot trap it', async () => {
    const root = join(dir, 'loop');
    mkdirSync(join(root, 'inner'), { recursive: true });
    writeFileSync(join(root, 'inner', 'file.txt'), 'x');
    symlinkSync(root, join(root, 'inner', 'back-to-root'));
    symlinkSync('/etc/hostname', join(root, 'outside'));
    const result = await walkFolder(root);
    expect(result.files.map((file) => file.keySuffix)).toEqual(['loop/inner/file.txt']);
    expect(result.skipped.map((skipped) => skipped.reason)).toEqual(['symbolic link (not followed)', 'symbolic link (not followed)']);
  });

  it('refuses a folder with more files than the limit', async () => {
    const root = join(dir, 'many');
    mkdirSync(root);
    for (let index = 0; index < 5; index += 1) writeFileSync(join(root, `f${index}`), '');
    await expect(walkFolder(root, 3)).rejects.toThrow(/more than 3 files/);
  });
});
