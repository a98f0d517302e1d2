import { app } from 'electron';
import { autostartDir, disableAutostart, enableAutostart } from '../autostart/xdg-autostart.ts';

export const HIDDEN_FLAG = '--hidden';

/** What the autostart entry runs on Linux: the AppImage file itself, the installed binary, or electron + the app folder in development. */
function linuxExec(): string[] {
  if (process.env.APPIMAGE) return [process.env.APPIMAGE];
  return process.defaultApp ? [process.execPath, app.getAppPath()] : [process.execPath];
}

/** Start Hoist at login, hidden in the tray: the OS login items on macOS and Windows, an XDG autostart entry on Linux. */
export async function setStartAtLogin(enabled: boolean): Promise<void> {
  if (process.platform === 'linux') {
    const dir = autostartDir();
    if (enabled) await enableAutostart(dir, { exec: linuxExec() });
    else await disableAutostart(dir);
    return;
  }
  // Electron 45 has no openAsHidden any more (macOS dropped it): args reach Windows; macOS reports wasOpenedAtLogin instead.
  app.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
}

/** Started at login: --hidden on the command line (Windows, Linux), or macOS says so. */
export function startedHidden(argv: readonly string[] = process.argv): boolean {
  if (argv.includes(HIDDEN_FLAG)) return true;
  if (process.platform !== 'darwin') return false;
  return app.getLoginItemSettings().wasOpenedAtLogin;
}
