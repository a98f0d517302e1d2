import { chmodSync, closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/*
 * Opening the page without giving the token away. A command line is readable
 * by every user of the machine (ps, /proc/<pid>/cmdline), so `xdg-open <URL
 * with #token=…>` would hand the token to anyone logged in. Instead the
 * browser is pointed at a small file in the state directory (0700), itself
 * 0600, that sends it on to the URL: only its path is on a command line.
 */

const LAUNCHER_NAME = 'open-hoist.html';

/** Writes (or rewrites) the launcher page for `url` in `stateDir`, readable by its owner only; returns its path. */
export function writeLauncher(stateDir: string, url: string): string {
  const path = join(stateDir, LAUNCHER_NAME);
  const href = escapeHtml(url);
  const page =
    '<!doctype html><meta charset="utf-8"><meta name="referrer" content="no-referrer">' +
    `<meta http-equiv="refresh" content="0;url=${href}"><title>Hoist</title>` +
    `<p>Opening Hoist… If nothing happens, <a href="${href}">open it here</a>.</p>\n`;
  const fd = openSync(path, 'w', 0o600);
  try {
    writeSync(fd, page);
  } finally {
    closeSync(fd);
  }
  // An older launcher may have been made with other permissions; open() keeps them.
  chmodSync(path, 0o600);
  return path;
}

/** Whether there is a desktop to open a browser on (a plain server gets only the printed line). */
export function hasDesktop(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): boolean {
  return platform === 'darwin' || platform === 'win32' || Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

/** How this platform opens a file in the user's browser. */
export function browserCommand(platform: NodeJS.Platform, target: string): string[] {
  if (platform === 'darwin') return ['open', target];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""', target];
  return ['xdg-open', target];
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
