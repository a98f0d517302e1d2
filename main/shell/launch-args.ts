import { resolve } from 'node:path';

export interface LaunchArgOptions {
  /** Electron runs an app folder (`electron .`): the first non-flag argument is that folder. */
  defaultApp: boolean;
  /** The launching process's working directory: relative paths are relative to it. */
  cwd: string;
  /** Whether an absolute path names an existing file or folder. */
  exists: (path: string) => boolean;
}

export interface LaunchArgs {
  /** Started at login: no window, tray only. */
  hidden: boolean;
  /** Existing files and folders named on the command line ("Open with Hoist", a second launch), absolute. */
  paths: string[];
}

/** Reads Hoist's command line (its own or a second instance's): flags are skipped, paths kept when they exist. */
export function parseLaunchArgs(argv: readonly string[], { defaultApp, cwd, exists }: LaunchArgOptions): LaunchArgs {
  const positional = argv.slice(1).filter((arg) => arg !== '' && !arg.startsWith('-'));
  const candidates = defaultApp ? positional.slice(1) : positional;
  const paths: string[] = [];
  for (const arg of candidates) {
    const path = resolve(cwd, arg);
    if (!paths.includes(path) && exists(path)) paths.push(path);
  }
  return { hidden: argv.slice(1).includes('--hidden'), paths };
}
