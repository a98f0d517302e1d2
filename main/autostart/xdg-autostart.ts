import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * Start at login on Linux: an XDG autostart entry (~/.config/autostart/hoist.desktop),
 * which GNOME, KDE, Xfce and most other desktops read. Host-neutral: no electron.
 */
export const AUTOSTART_FILE = 'hoist.desktop';

export interface AutostartEntryOptions {
  /** The program and its arguments, unquoted: ['/opt/Hoist/hoist'] or [electron, appDir]. */
  exec: string | readonly string[];
  name?: string;
  comment?: string;
}

/** $XDG_CONFIG_HOME/autostart, or ~/.config/autostart (a relative XDG_CONFIG_HOME is ignored, as the spec says). */
export function autostartDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const configHome = env.XDG_CONFIG_HOME && isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : join(home, '.config');
  return join(configHome, 'autostart');
}

/** Characters that force quoting of an Exec argument (Desktop Entry spec, "The Exec key"). */
const RESERVED = /[\s"'\\><~|&;$*?#()`]/;

/** One Exec argument: '%' doubled (field codes), quoted when it has reserved characters, with ", `, $ and \ escaped inside. */
export function quoteExecArg(arg: string): string {
  const escapedPercent = arg.replace(/%/g, '%%');
  if (escapedPercent !== '' && !RESERVED.test(escapedPercent)) return escapedPercent;
  return `"${escapedPercent.replace(/["`$\\]/g, '\\$&')}"`;
}

/** A value of type string: backslash, newline, tab and carriage return escaped (applied after Exec quoting). */
export function escapeDesktopString(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(/\r/g, '\\r');
}

export function execLine(exec: string | readonly string[]): string {
  const argv = typeof exec === 'string' ? [exec] : [...exec];
  if (argv.length === 0 || !argv[0]) throw new Error('autostart: the program to start is missing');
  return escapeDesktopString([...argv, '--hidden'].map(quoteExecArg).join(' '));
}

/** The text of hoist.desktop: starts Hoist hidden in the tray. */
export function autostartEntry({ exec, name = 'Hoist', comment = 'Resume unfinished uploads to S3 at login' }: AutostartEntryOptions): string {
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.0',
    `Name=${escapeDesktopString(name)}`,
    `Comment=${escapeDesktopString(comment)}`,
    `Exec=${execLine(exec)}`,
    'Terminal=false',
    'Hidden=false',
    'NoDisplay=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

/** Writes dir/hoist.desktop atomically (creating dir), replacing an older entry. */
export async function enableAutostart(dir: string, options: AutostartEntryOptions): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, AUTOSTART_FILE);
  const temp = `${file}.tmp-${process.pid}`;
  await writeFile(temp, autostartEntry(options), { mode: 0o644 });
  await rename(temp, file);
  return file;
}

export async function disableAutostart(dir: string): Promise<void> {
  await rm(join(dir, AUTOSTART_FILE), { force: true });
}

/** The entry exists and is not switched off (Hidden=true or X-GNOME-Autostart-enabled=false). */
export async function isAutostartEnabled(dir: string): Promise<boolean> {
  let text: string;
  try {
    text = await readFile(join(dir, AUTOSTART_FILE), 'utf8');
  } catch {
    return false;
  }
  return !/^\s*Hidden\s*=\s*true\s*$/im.test(text) && !/^\s*X-GNOME-Autostart-enabled\s*=\s*false\s*$/im.test(text);
}
