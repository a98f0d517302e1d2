import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HIDDEN_FLAG, setStartAtLogin, startedHidden } from './login-item.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

const platform = process.platform;
const env = { XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME, APPIMAGE: process.env.APPIMAGE };
let configHome: string;

const onPlatform = (value: NodeJS.Platform) => Object.defineProperty(process, 'platform', { value });

beforeEach(async () => {
  resetFakeElectron();
  configHome = await mkdtemp(join(tmpdir(), 'hoist-xdg-'));
  process.env.XDG_CONFIG_HOME = configHome;
  delete process.env.APPIMAGE;
});

afterEach(async () => {
  onPlatform(platform);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(configHome, { recursive: true, force: true });
});

describe('start at login', () => {
  it('on Linux writes the XDG autostart entry running this copy hidden, and removes it', async () => {
    onPlatform('linux');
    process.env.APPIMAGE = '/home/ann/Apps/Hoist 1.0.AppImage';
    await setStartAtLogin(true);
    const entry = await readFile(join(configHome, 'autostart', 'hoist.desktop'), 'utf8');
    expect(entry).toContain('Exec="/home/ann/Apps/Hoist 1.0.AppImage" --hidden');
    expect(fake.loginItemSettings).toEqual([]);
    await setStartAtLogin(false);
    await expect(readFile(join(configHome, 'autostart', 'hoist.desktop'))).rejects.toThrow(/ENOENT/);
  });

  it('on macOS and Windows uses the login item API with the hidden flag', async () => {
    for (const os of ['darwin', 'win32'] as const) {
      onPlatform(os);
      await setStartAtLogin(true);
      await setStartAtLogin(false);
    }
    expect(fake.loginItemSettings).toEqual([
      { openAtLogin: true, args: [HIDDEN_FLAG] },
      { openAtLogin: false, args: [HIDDEN_FLAG] },
      { openAtLogin: true, args: [HIDDEN_FLAG] },
      { openAtLogin: false, args: [HIDDEN_FLAG] },
    ]);
  });

  it('knows it was started at login: --hidden anywhere, or macOS says so', () => {
    onPlatform('linux');
    expect(startedHidden(['/opt/Hoist/hoist', '--hidden'])).toBe(true);
    expect(startedHidden(['/opt/Hoist/hoist'])).toBe(false);
    fake.wasOpenedAtLogin = true;
    expect(startedHidden(['/opt/Hoist/hoist'])).toBe(false);
    onPlatform('darwin');
    expect(startedHidden(['/Applications/Hoist.app/Contents/MacOS/Hoist'])).toBe(true);
  });
});
