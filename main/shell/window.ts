import { BrowserWindow, session, shell } from 'electron';
import type { Session } from 'electron';

/** The same policy as the renderer's <meta> CSP (renderer/index.html). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Opens a link in the user's browser, and only an https one. */
export function openExternalIfHttps(url: string, log: (message: string) => void): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return;
  }
  if (parsed.protocol === 'https:') void shell.openExternal(parsed.href).catch((error: unknown) => log(`could not open ${parsed.href}: ${String(error)}`));
  else log(`refused to open ${parsed.protocol} link`);
}

/** Session-wide rules, set once: a CSP header on every response, no permissions at all. */
export function hardenSession(target: Session = session.defaultSession): void {
  target.webRequest.onHeadersReceived((details, callback) => {
    const headers = { ...details.responseHeaders };
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'content-security-policy') delete headers[name];
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}

export interface MainWindowOptions {
  preloadPath: string;
  /** The page to show: Hoist's own, on its custom scheme (app-scheme.ts). */
  pageUrl: string;
  iconPath?: string;
  /** True once the app is quitting: closing the window then really closes it. */
  isQuitting: () => boolean;
  log: (message: string) => void;
}

/** Hoist's one window: isolated, sandboxed, no navigation, no popups; closing hides it to the tray. */
export function createMainWindow({ preloadPath, pageUrl, iconPath, isQuitting, log }: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1000,
    height: 700,
    minWidth: 640,
    minHeight: 420,
    show: false,
    title: 'Hoist',
    ...(iconPath ? { icon: iconPath } : {}),
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });

  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    openExternalIfHttps(url, log);
  });
  contents.on('will-redirect', (event) => event.preventDefault());
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternalIfHttps(url, log);
    return { action: 'deny' };
  });

  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    window.hide();
  });

  void window.loadURL(pageUrl).catch((error: unknown) => log(`could not load the window: ${String(error)}`));
  return window;
}
