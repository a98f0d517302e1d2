import { Notification, app, dialog, shell } from 'electron';
import type { BrowserWindow, OpenDialogOptions } from 'electron';
import type { HostCapabilities } from '../app/host-capabilities.ts';
import type { PathGrants } from '../app/path-grants.ts';
import { setStartAtLogin } from './login-item.ts';
import { createSecretStore } from './secrets.ts';

export interface ElectronHostOptions {
  stateDir: string;
  /** Paths the user chose by a gesture; the dialog's choices are granted here. */
  grants: PathGrants;
  getWindow: () => BrowserWindow | undefined;
  log: (message: string) => void;
}

/**
 * What the Electron shell gives the app: native dialogs, the file manager,
 * notifications, login items, OS-encrypted secrets, and grants: requests name
 * files only by grants for paths the user chose (the dialog here, drops and
 * the command line in main.ts), never by a raw path.
 */
export function createElectronHost({ stateDir, grants, getWindow, log }: ElectronHostOptions): HostCapabilities {
  return {
    mode: 'electron',
    version: app.getVersion(),
    platform: process.platform,
    secrets: createSecretStore(stateDir, log),
    pathGrants: grants,
    pickPaths: async ({ folders }) => {
      const options: OpenDialogOptions = {
        title: folders ? 'Upload folder' : 'Upload files',
        properties: folders ? ['openDirectory'] : ['openFile', 'multiSelections'],
      };
      const window = getWindow();
      const result = window && !window.isDestroyed() ? await dialog.showOpenDialog(window, options) : await dialog.showOpenDialog(options);
      return result.canceled ? [] : result.filePaths.map((path) => grants.issue(path));
    },
    reveal: (path) => shell.showItemInFolder(path),
    notify: (title, body) => {
      if (Notification.isSupported()) new Notification({ title, body, silent: false }).show();
    },
    setStartAtLogin,
    confirmTargetChange: async (change) => {
      // main's own dialog, not the page's: a window cannot answer it for the user.
      const options = {
        type: 'warning' as const,
        title: 'Change target',
        message: change.question,
        detail: 'Uploads to this target will go to the new place, signed with these credentials.',
        buttons: ['Change it', 'Keep as it was'],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      };
      const window = getWindow();
      const result = window && !window.isDestroyed() ? await dialog.showMessageBox(window, options) : await dialog.showMessageBox(options);
      return result.response === 0;
    },
    log,
  };
}
