// The Electron shell, started once by main.ts. One instance; the app logic
// comes from main/app (shared with the headless host); this only wires
// Electron around it: the page's scheme, window, tray, IPC, power and network
// events, and the paths handed over on the command line.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { app, dialog, net, powerMonitor, powerSaveBlocker } from 'electron';
import type { BrowserWindow } from 'electron';
import { IPC_PREFIX } from '../../shared/ipc-contract.ts';
import { trayView } from '../../shared/domain/tray-view.ts';
import type { TrayActionId } from '../../shared/domain/tray-view.ts';
import { defaultStateDir } from '../app-paths.ts';
import { openHoistApp } from '../app/open-app.ts';
import type { OpenedApp } from '../app/open-app.ts';
import { PathGrants } from '../app/path-grants.ts';
import { APP_PAGE_URL, registerAppScheme, serveAppScheme } from './app-scheme.ts';
import { confirmHandOver } from './hand-over.ts';
import { createElectronHost } from './host.ts';
import { parseLaunchArgs } from './launch-args.ts';
import { shellLog } from './log.ts';
import { setStartAtLogin, startedHidden } from './login-item.ts';
import { PowerGuard, watchOnline } from './power-guard.ts';
import { throttle } from './throttle.ts';
import { HoistTray } from './tray.ts';
import { registerTrustedIpc } from './trusted-ipc.ts';
import { createMainWindow, hardenSession } from './window.ts';

/** Takes the single-instance lock (a second copy hands its arguments to the first and quits), then runs Hoist. */
export function startShell(): void {
  // A separate Chromium profile (and so a separate single-instance lock), for the e2e tests.
  if (process.env.HOIST_ELECTRON_USER_DATA) app.setPath('userData', resolve(process.env.HOIST_ELECTRON_USER_DATA));
  // The console, and the log file a bug report asks for (rotating, secrets masked, 0600).
  const log = shellLog(app.getPath('logs'));
  if (!app.requestSingleInstanceLock()) return app.quit();
  // Before ready, or the scheme is not privileged.
  registerAppScheme();
  runShell(log);
}

function runShell(log: (message: string) => void): void {
  const appDir = app.getAppPath();
  const grants = new PathGrants();
  let window: BrowserWindow | undefined;
  let opened: OpenedApp | undefined;
  let quitting = false;
  let stopAll = () => {};
  /** Handed over by a second launch before the app was open: asked about once it is. */
  const pendingHandOver: string[] = [];
  const launchArgs = (argv: readonly string[], cwd: string) => parseLaunchArgs(argv, { defaultApp: Boolean(process.defaultApp), cwd, exists: existsSync });
  const getWindow = () => (window && !window.isDestroyed() ? window : undefined);

  const showWindow = () => {
    if (!app.isReady()) return;
    const existing = getWindow();
    if (!existing) {
      const created = createMainWindow({
        preloadPath: join(appDir, 'dist', 'electron', 'preload.cjs'),
        pageUrl: APP_PAGE_URL,
        iconPath: join(appDir, 'assets', 'icon.png'),
        isQuitting: () => quitting,
        log,
      });
      // Start notices were sent before this page existed: give them again once it has loaded.
      created.webContents.on('did-finish-load', () => {
        for (const notice of opened?.app.noticesAtStart() ?? []) created.webContents.send(`${IPC_PREFIX}notice`, notice);
      });
      window = created;
      return;
    }
    if (existing.isMinimized()) existing.restore();
    existing.show();
    existing.focus();
  };

  /**
   * Files named on the command line go to the first target, like a drop (the
   * user chose them: they are granted). A second launch's are shown first and
   * sent only when the user agrees (hand-over.ts).
   */
  const addPaths = async (paths: string[], { ask }: { ask: boolean }) => {
    if (paths.length === 0) return;
    const hoist = opened?.app;
    if (!hoist) return void pendingHandOver.push(...paths);
    const target = hoist.targets()[0];
    if (!target) return hoist.emit('notice', { level: 'warning', message: `Add a target first, then add ${paths.length} file(s) again` });
    if (ask && !(await confirmHandOver(paths, target.name, getWindow()))) return log(`handed-over paths not uploaded: the user said no (${paths.length})`);
    const result = await hoist.dispatch('uploads.add', { grants: paths.map((path) => grants.issue(path).grant), targetId: target.id });
    if (!result.ok) hoist.emit('notice', { level: 'error', message: `Could not add files: ${result.error.message}` });
  };

  const quit = async () => {
    if (quitting) return;
    quitting = true;
    stopAll();
    try {
      await opened?.close();
    } catch (error) {
      log(`closing: ${String(error)}`);
    }
    app.exit(0);
  };

  app.on('second-instance', (_event, argv, workingDirectory) => {
    showWindow();
    void addPaths(launchArgs(argv, workingDirectory).paths, { ask: true });
  });
  app.on('activate', showWindow);
  // Closing the window hides it; should it ever be gone, Hoist keeps running in the tray.
  app.on('window-all-closed', () => {});
  app.on('before-quit', (event) => {
    event.preventDefault();
    void quit();
  });

  const ready = () => {
    if (process.platform === 'win32') app.setAppUserModelId('app.hoist.desktop');
    hardenSession();
    serveAppScheme(join(appDir, 'dist', 'renderer'), log);
    const stateDir = resolve(process.env.HOIST_STATE_DIR ?? defaultStateDir());
    opened = openHoistApp({ stateDir, host: createElectronHost({ stateDir, grants, getWindow, log }) });
    const hoist = opened.app;
    const disposeIpc = registerTrustedIpc({ app: hoist, grants, getWindow, expectedUrl: APP_PAGE_URL, log });

    const onTrayAction = (id: TrayActionId) => {
      if (id === 'open') return showWindow();
      if (id === 'quit') return void quit();
      void hoist.dispatch(id === 'pauseAll' ? 'uploads.pauseAll' : 'uploads.resumeAll', {}).then((result) => {
        if (!result.ok) log(`tray ${id}: ${result.error.message}`);
      });
    };
    const tray = new HoistTray({ assetsDir: join(appDir, 'assets'), onAction: onTrayAction });
    const power = new PowerGuard({ start: () => powerSaveBlocker.start('prevent-app-suspension'), stop: (id) => powerSaveBlocker.stop(id) });
    const refresh = throttle(() => {
      const views = hoist.views();
      tray.render(trayView(views, { now: Date.now(), expiryWarningHours: hoist.settings().expiryWarningHours }, hoist.folders.views()));
      power.update(views.some((view) => view.state === 'uploading') || hoist.folders.anyRunning());
    }, 1000);
    const unsubscribe = hoist.on(() => refresh.schedule());
    // Expiry warnings come with time, not with events.
    const clock = setInterval(() => refresh.schedule(), 60_000);

    const resume = (why: string) => {
      log(`${why}: resuming unfinished uploads`);
      hoist.resumeUnfinished();
    };
    const onResume = () => resume('woke from sleep');
    powerMonitor.on('resume', onResume);
    const stopOnline = watchOnline({ isOnline: () => net.isOnline(), onOnline: () => resume('network is back') });

    stopAll = () => {
      refresh.cancel();
      clearInterval(clock);
      stopOnline();
      powerMonitor.off('resume', onResume);
      unsubscribe();
      disposeIpc();
      power.update(false);
      tray.destroy();
    };

    const launch = launchArgs(process.argv, process.cwd());
    if (!launch.hidden && !startedHidden()) showWindow();
    hoist.resumeUnfinished();
    void addPaths(launch.paths, { ask: false }).then(() => addPaths(pendingHandOver.splice(0), { ask: true }));
    // Keep the login entry pointing at this copy of Hoist (an AppImage moves, an update changes the path).
    if (hoist.settings().startAtLogin) setStartAtLogin(true).catch((error: unknown) => log(`start at login: ${String(error)}`));
    refresh.schedule();
  };

  app
    .whenReady()
    .then(ready)
    .catch((error: unknown) => {
      log(`could not start: ${error instanceof Error ? error.message : String(error)}`);
      dialog.showErrorBox('Hoist could not start', error instanceof Error ? error.message : String(error));
      app.exit(1);
    });
}
