import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { browserCommand, hasDesktop, writeLauncher } from './browser-launcher.ts';

const URL_WITH_TOKEN = 'http://127.0.0.1:7777/#token=s3cr3t-t0ken&x="<y>"';

describe('opening the page without the token on a command line', () => {
  let dir = '';
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a launcher only its owner can read, which sends the browser on to the URL', () => {
    dir = mkdtempSync(join(tmpdir(), 'hoist-launcher-'));
    // One left by an earlier run with wider permissions is tightened.
    writeFileSync(join(dir, 'open-hoist.html'), 'old', { mode: 0o644 });

    const path = writeLauncher(dir, URL_WITH_TOKEN);

    expect(statSync(path).mode & 0o777).toBe(0o600);
    const page = readFileSync(path, 'utf8');
    expect(page).toContain('<meta http-equiv="refresh" content="0;url=http://127.0.0.1:7777/#token=s3cr3t-t0ken&amp;x=&quot;&lt;y&gt;&quot;">');
    expect(page).not.toContain('"<y>"');
  });

  it('the browser is given the launcher’s path, never the URL', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      const command = browserCommand(platform, '/home/me/.local/state/hoist/open-hoist.html');
      expect(command.at(-1)).toBe('/home/me/.local/state/hoist/open-hoist.html');
      expect(command.join(' ')).not.toContain('token');
    }
  });

  it('opens nothing without a desktop', () => {
    expect(hasDesktop('linux', {})).toBe(false);
    expect(hasDesktop('linux', { DISPLAY: ':0' })).toBe(true);
    expect(hasDesktop('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBe(true);
    expect(hasDesktop('darwin', {})).toBe(true);
  });
});
