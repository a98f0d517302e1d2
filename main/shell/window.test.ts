import { beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_PAGE_URL } from './app-scheme.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';
import type { FakeBrowserWindow } from './testing/fake-electron.ts';
import { CONTENT_SECURITY_POLICY, createMainWindow, hardenSession } from './window.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

beforeEach(() => resetFakeElectron());

function openWindow(quitting = false) {
  const logged: string[] = [];
  const window = createMainWindow({ preloadPath: '/app/dist/electron/preload.cjs', pageUrl: APP_PAGE_URL, isQuitting: () => quitting, log: (m) => logged.push(m) });
  return { window: window as unknown as FakeBrowserWindow, logged };
}

/** An Electron event: records whether the default was prevented. */
const event = () => ({ prevented: false, preventDefault() { this.prevented = true; } });

describe('the main window', () => {
  it('is isolated and sandboxed, without Node, and loads Hoist from its own scheme, never file://', () => {
    const { window } = openWindow();
    expect(window.fake.options.webPreferences).toMatchObject({
      preload: '/app/dist/electron/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(window.fake.loaded).toEqual(['hoist://app/index.html']);
    expect(window.fake.visible).toBe(false);
    window.emit('ready-to-show');
    expect(window.fake.visible).toBe(true);
  });

  it('denies every navigation, redirect and webview; an https link opens in the browser, nothing else does', () => {
    const { window, logged } = openWindow();
    const contents = window.webContents;
    for (const url of ['https://example.com/help', 'file:///etc/passwd', 'http://evil.example/', 'javascript:alert(1)', 'hoist://app/other.html']) {
      const navigation = event();
      contents.emit('will-navigate', navigation, url);
      expect(navigation.prevented, url).toBe(true);
    }
    expect(fake.openedExternally).toEqual(['https://example.com/help']);
    expect(logged).toEqual(['refused to open file: link', 'refused to open http: link', 'refused to open javascript: link', 'refused to open hoist: link']);
    for (const name of ['will-redirect', 'will-attach-webview']) {
      const denied = event();
      contents.emit(name, denied);
      expect(denied.prevented, name).toBe(true);
    }
  });

  it('denies window.open, whatever the URL', () => {
    const { window } = openWindow();
    const handler = window.webContents.fake.windowOpenHandler!;
    const details = (url: string) => ({ url }) as Parameters<typeof handler>[0];
    expect(handler(details('https://example.com/'))).toEqual({ action: 'deny' });
    expect(handler(details('hoist://app/index.html'))).toEqual({ action: 'deny' });
    expect(fake.windows).toHaveLength(1);
    expect(fake.openedExternally).toEqual(['https://example.com/']);
  });

  it('hides on close while Hoist runs, and closes when quitting', () => {
    const running = openWindow().window;
    running.show();
    const close = event();
    running.emit('close', close);
    expect(close.prevented).toBe(true);
    expect(running.fake.visible).toBe(false);

    const quitting = openWindow(true).window;
    const last = event();
    quitting.emit('close', last);
    expect(last.prevented).toBe(false);
  });
});

describe('the session', () => {
  it('puts Hoist\'s CSP on every response, replacing any other, and denies every permission', () => {
    hardenSession();
    let headers: Record<string, string[]> | undefined;
    fake.headersListener!({ responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (answer) => (headers = answer.responseHeaders));
    expect(headers).toEqual({ 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");

    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      let granted: boolean | undefined;
      fake.permissionRequest!({}, permission, (answer) => (granted = answer));
      expect(granted, permission).toBe(false);
    }
    expect(fake.permissionCheck!()).toBe(false);
  });
});
