import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AUTOSTART_FILE,
  autostartDir,
  autostartEntry,
  disableAutostart,
  enableAutostart,
  escapeDesktopString,
  execLine,
  isAutostartEnabled,
  quoteExecArg,
} from './xdg-autostart.ts';

/** What a desktop does with an Exec value: undo the string escapes, then split by the quoting rules. */
function parseExec(value: string): string[] {
  const unescaped = value.replace(/\\([\\nstr])/g, (_, c: string) => ({ '\\': '\\', n: '\n', s: ' ', t: '\t', r: '\r' })[c] ?? c);
  const args: string[] = [];
  let current = '';
  let inArg = false;
  for (let i = 0; i < unescaped.length; i += 1) {
    const c = unescaped[i]!;
    if (c === '"') {
      inArg = true;
      for (i += 1; unescaped[i] !== '"'; i += 1) {
        if (i >= unescaped.length) throw new Error('unterminated quote');
        if (unescaped[i] === '\\') i += 1;
        current += unescaped[i];
      }
    } else if (c === ' ') {
      if (inArg) args.push(current);
      current = '';
      inArg = false;
    } else {
      current += c;
      inArg = true;
    }
  }
  if (inArg) args.push(current);
  return args.map((arg) => arg.replace(/%%/g, '%'));
}

describe('autostartEntry', () => {
  it('is a desktop entry that starts Hoist hidden', () => {
    expect(autostartEntry({ exec: '/opt/Hoist/hoist' })).toBe(
      [
        '[Desktop Entry]',
        'Type=Application',
        'Version=1.0',
        'Name=Hoist',
        'Comment=Resume unfinished uploads to S3 at login',
        'Exec=/opt/Hoist/hoist --hidden',
        'Terminal=false',
        'Hidden=false',
        'NoDisplay=false',
        'X-GNOME-Autostart-enabled=true',
        '',
      ].join('\n'),
    );
  });

  it('takes a program with arguments (development: electron and the app folder)', () => {
    const text = autostartEntry({ exec: ['/home/ann/hoist/node_modules/electron/dist/electron', '/home/ann/hoist'] });
    expect(text).toContain('Exec=/home/ann/hoist/node_modules/electron/dist/electron /home/ann/hoist --hidden\n');
  });

  it('quotes paths with spaces and special characters so the desktop gets them back unchanged', () => {
    for (const path of [
      '/home/ann/My Apps/Hoist.AppImage',
      '/opt/weird "quoted" $HOME `cmd` \\back\\slash/hoist',
      '/opt/100%/hoist',
      "/opt/it's/hoist",
      '/opt/tab\there/hoist',
      '/opt/a&b;c|d>e<f~g*h?i#j(k)/hoist',
    ]) {
      const line = /^Exec=(.*)$/m.exec(autostartEntry({ exec: path }))?.[1];
      expect(line, path).toBeDefined();
      expect(line!.includes('\t')).toBe(false);
      expect(parseExec(line!), path).toEqual([path, '--hidden']);
    }
  });

  it('writes a literal backslash in a quoted argument as four backslashes, as the spec requires', () => {
    expect(execLine(['C:\\x y'])).toBe('"C:\\\\\\\\x y" --hidden');
  });

  it('escapes Name and Comment values', () => {
    const text = autostartEntry({ exec: '/x', name: 'Hoist\nExec=evil', comment: 'a\\b' });
    expect(text).toContain('Name=Hoist\\nExec=evil\n');
    expect(text).toContain('Comment=a\\\\b\n');
    expect(text.match(/^Exec=/gm)).toHaveLength(1);
  });

  it('refuses an empty program', () => {
    expect(() => autostartEntry({ exec: '' })).toThrow(/missing/);
    expect(() => autostartEntry({ exec: [] })).toThrow(/missing/);
  });
});

describe('quoting helpers', () => {
  it('leaves plain arguments alone and quotes empty ones', () => {
    expect(quoteExecArg('/usr/bin/hoist')).toBe('/usr/bin/hoist');
    expect(quoteExecArg('--hidden')).toBe('--hidden');
    expect(quoteExecArg('')).toBe('""');
    expect(quoteExecArg('a b')).toBe('"a b"');
    expect(quoteExecArg('50%')).toBe('50%%');
    expect(quoteExecArg('$x')).toBe('"\\$x"');
    expect(escapeDesktopString('a\\b\nc')).toBe('a\\\\b\\nc');
  });
});

describe('autostartDir', () => {
  it('uses an absolute XDG_CONFIG_HOME, else ~/.config', () => {
    expect(autostartDir({ XDG_CONFIG_HOME: '/cfg' }, '/home/ann')).toBe(join('/cfg', 'autostart'));
    expect(autostartDir({}, '/home/ann')).toBe(join('/home/ann', '.config', 'autostart'));
    expect(autostartDir({ XDG_CONFIG_HOME: 'relative/cfg' }, '/home/ann')).toBe(join('/home/ann', '.config', 'autostart'));
    expect(autostartDir({ XDG_CONFIG_HOME: '' }, '/home/ann')).toBe(join('/home/ann', '.config', 'autostart'));
  });
});

describe('enable, disable, isEnabled', () => {
  let root: string;
  let dir: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'hoist-autostart-'));
    dir = join(root, 'config', 'autostart');
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('is off when there is no entry, even when the folder does not exist', async () => {
    expect(await isAutostartEnabled(dir)).toBe(false);
    await disableAutostart(dir);
  });

  it('writes the entry, creating the folder, and removes it again', async () => {
    const file = await enableAutostart(dir, { exec: '/opt/Hoist/hoist' });
    expect(file).toBe(join(dir, AUTOSTART_FILE));
    expect(await readFile(file, 'utf8')).toBe(autostartEntry({ exec: '/opt/Hoist/hoist' }));
    expect(await isAutostartEnabled(dir)).toBe(true);
    await disableAutostart(dir);
    expect(await isAutostartEnabled(dir)).toBe(false);
    await disableAutostart(dir);
  });

  it('replaces an older entry (the program moved) and leaves no temporary file', async () => {
    await enableAutostart(dir, { exec: '/old/hoist' });
    await enableAutostart(dir, { exec: '/new place/hoist' });
    expect(await readFile(join(dir, AUTOSTART_FILE), 'utf8')).toContain('Exec="/new place/hoist" --hidden');
    expect(await readdir(dir)).toEqual([AUTOSTART_FILE]);
  });

  it('counts an entry the user switched off in the desktop settings as off', async () => {
    await enableAutostart(dir, { exec: '/opt/Hoist/hoist' });
    const file = join(dir, AUTOSTART_FILE);
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('X-GNOME-Autostart-enabled=true', 'X-GNOME-Autostart-enabled=false'));
    expect(await isAutostartEnabled(dir)).toBe(false);
    await writeFile(file, text.replace('Hidden=false', 'Hidden=true'));
    expect(await isAutostartEnabled(dir)).toBe(false);
  });
});
