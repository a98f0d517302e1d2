import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The per-user data directory, the same one Electron's app.getPath('userData')
 * gives the desktop app, so the CLI and the app share one state database.
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Hoist');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Hoist');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Hoist');
}

export const STATE_DATABASE_FILE = 'state.sqlite3';
