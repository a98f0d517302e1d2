import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLaunchArgs } from './launch-args.ts';

const existing = new Set([resolve('/data/a.bin'), resolve('/data/folder'), resolve('/home/ann/b.bin'), resolve('/home/ann/hoist')]);
const exists = (path: string) => existing.has(path);

describe('parseLaunchArgs', () => {
  it('packaged: skips the executable and flags, keeps existing paths, resolves relative ones', () => {
    const args = parseLaunchArgs(['/opt/Hoist/hoist', '--no-sandbox', '/data/a.bin', 'b.bin', '/data/missing.bin', '/data/folder'], {
      defaultApp: false,
      cwd: '/home/ann',
      exists,
    });
    expect(args).toEqual({ hidden: false, paths: [resolve('/data/a.bin'), resolve('/home/ann/b.bin'), resolve('/data/folder')] });
  });

  it('development: the app folder after electron is not a file to upload', () => {
    const args = parseLaunchArgs(['/x/node_modules/electron/dist/electron', '.', '/data/a.bin'], { defaultApp: true, cwd: '/home/ann/hoist', exists });
    expect(args.paths).toEqual([resolve('/data/a.bin')]);
  });

  it('sees --hidden anywhere after the executable', () => {
    expect(parseLaunchArgs(['/opt/Hoist/hoist', '--hidden'], { defaultApp: false, cwd: '/', exists }).hidden).toBe(true);
    expect(parseLaunchArgs(['/opt/Hoist/hoist', '/data/a.bin', '--hidden'], { defaultApp: false, cwd: '/', exists })).toEqual({
      hidden: true,
      paths: [resolve('/data/a.bin')],
    });
    expect(parseLaunchArgs(['--hidden'], { defaultApp: false, cwd: '/', exists }).hidden).toBe(false);
  });

  it('names each path once and ignores Chromium switches with values', () => {
    const args = parseLaunchArgs(['/opt/Hoist/hoist', '--original-process-start-time=1234', '/data/a.bin', '/data/../data/a.bin'], {
      defaultApp: false,
      cwd: '/',
      exists,
    });
    expect(args.paths).toEqual([resolve('/data/a.bin')]);
  });
});
