// The Electron shell: an isolated, sandboxed window whose only way into main
// is the preload bridge; the tray keeps the app alive; a dropped file becomes
// an upload. Runs the unpackaged app (node_modules' Electron, no fuses).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { _electron as electron, expect, test } from '@playwright/test';
import type { ElectronApplication, Page } from '@playwright/test';
import type { Envelope, HoistBridge, UploadView } from '../../shared/ipc-contract.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);

/**
 * The Electron binary, or undefined. require('electron') downloads the binary
 * when it is missing, which cannot work here, so look before requiring.
 */
function findElectronBinary(): string | undefined {
  let packageDir: string;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return undefined;
  }
  if (!process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const pathFile = join(packageDir, 'path.txt');
    if (!existsSync(pathFile) || !existsSync(join(packageDir, 'dist', readFileSync(pathFile, 'utf8')))) return undefined;
  }
  try {
    const binary: unknown = require('electron');
    return typeof binary === 'string' && existsSync(binary) ? binary : undefined;
  } catch {
    return undefined;
  }
}

const electronBinary = findElectronBinary();
test.skip(!electronBinary, 'No Electron binary on this machine (it cannot be downloaded here); run on a machine where `npx electron --version` works');

/**
 * What the tests read from the page: the bridge and the absence of Node.
 * (page.evaluate ships only the function's source, so each callback casts
 * globalThis itself; it cannot call a helper from this file.)
 */
type PageGlobals = { hoist?: HoistBridge; require?: unknown; process?: unknown; module?: unknown };

let workDir: string;
let electronApp: ElectronApplication;
let page: Page;

test.beforeAll(() => {
  const build = spawnSync(process.execPath, ['scripts/build.mjs', 'electron', 'preload'], { cwd: root, stdio: 'inherit' });
  expect(build.status, 'node scripts/build.mjs electron preload').toBe(0);
  if (!existsSync(join(root, 'dist', 'renderer', 'index.html'))) {
    const vite = spawnSync('npx', ['vite', 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
    expect(vite.status, 'vite build').toBe(0);
  }
});

test.beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'hoist-electron-'));
  electronApp = await electron.launch({
    executablePath: electronBinary,
    args: [root],
    cwd: root,
    env: {
      ...(process.env as Record<string, string>),
      HOIST_STATE_DIR: join(workDir, 'state'),
      // Its own Chromium profile, so a Hoist the developer has open does not take the single-instance lock.
      HOIST_ELECTRON_USER_DATA: join(workDir, 'user-data'),
      // Never the developer's real AWS credentials.
      AWS_ACCESS_KEY_ID: 'hoist-e2e',
      AWS_SECRET_ACCESS_KEY: 'hoist-e2e',
      AWS_CONFIG_FILE: join(workDir, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(workDir, 'no-aws-credentials'),
    },
  });
  page = await electronApp.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterEach(async () => {
  await electronApp?.close().catch(() => {});
  await rm(workDir, { recursive: true, force: true });
});

test('the window is isolated and sandboxed: no Node in the page, only the bridge', async () => {
  expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).require)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).process)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).module)).toBe('undefined');
  expect(await page.evaluate(() => typeof (globalThis as unknown as PageGlobals).hoist?.invoke)).toBe('function');
  expect(await page.evaluate(() => Object.keys((globalThis as unknown as PageGlobals).hoist ?? {}).sort())).toEqual(['grantDroppedFiles', 'invoke', 'on']);
  // The bridge is a contextBridge copy: the page cannot reach the preload's ipcRenderer through it.
  expect(await page.evaluate(() => Object.values((globalThis as unknown as PageGlobals).hoist ?? {}).every((value) => typeof value === 'function'))).toBe(true);
});

test('the preload bridge answers app.info from the Electron host, and refuses unknown requests', async () => {
  const info = await page.evaluate(() => (globalThis as unknown as PageGlobals).hoist!.invoke('app.info', {}));
  expect(info).toMatchObject({ ok: true, value: { mode: 'electron', canPickFiles: true, platform: process.platform } });
  const unknown = await page.evaluate(() => ((globalThis as unknown as PageGlobals).hoist!.invoke as (name: string, input: unknown) => Promise<unknown>)('shell.openExternal', {}));
  expect(unknown).toMatchObject({ ok: false, error: { code: 'unknown-channel' } });
});

test('one window; closing it hides it and Hoist keeps running in the tray', async () => {
  expect(await electronApp.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  const afterClose = await electronApp.evaluate(({ BrowserWindow }) => {
    const window = BrowserWindow.getAllWindows()[0]!;
    window.close();
    return { destroyed: window.isDestroyed(), visible: window.isVisible(), windows: BrowserWindow.getAllWindows().length };
  });
  expect(afterClose).toEqual({ destroyed: false, visible: false, windows: 1 });
});

test('the page cannot navigate away from Hoist', async () => {
  const before = page.url();
  expect(before).toBe('hoist://app/index.html');
  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'file:///etc/hostname';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
});

test('dropping a file on the window adds an upload', async () => {
  const file = join(workDir, 'dropped.bin');
  await writeFile(file, Buffer.alloc(64 * 1024, 7));
  // A target nobody listens on: the upload is added, then fails to connect, which is fine here.
  const saved = await page.evaluate(() =>
    (globalThis as unknown as PageGlobals).hoist!.invoke('targets.save', {
      target: { id: 'e2e', name: 'E2E', endpoint: 'http://127.0.0.1:9', region: 'us-east-1', bucket: 'hoist-e2e', pathStyle: true },
    }),
  );
  expect(saved).toMatchObject({ ok: true });
  await page.reload();
  await expect(page.getByTestId('drop-zone')).toBeVisible();

  // Playwright's setInputFiles gives the page Files backed by the real file,
  // so webUtils.getPathForFile knows their path, as with a drop from the desktop.
  await page.evaluate(() => {
    const dom = globalThis as unknown as { document: { createElement(tag: string): { type: string; id: string; hidden: boolean }; body: { append(node: unknown): void } } };
    const input = dom.document.createElement('input');
    input.type = 'file';
    input.id = 'e2e-drop-source';
    input.hidden = true;
    dom.document.body.append(input);
  });
  await page.setInputFiles('#e2e-drop-source', file);
  await page.evaluate(() => {
    type Dom = {
      document: { getElementById(id: string): { files: ArrayLike<unknown> } | null; querySelector(selector: string): { dispatchEvent(event: unknown): boolean } | null };
      DataTransfer: new () => { items: { add(file: unknown): unknown } };
      DragEvent: new (type: string, init: { bubbles: boolean; cancelable: boolean; dataTransfer: unknown }) => unknown;
    };
    const dom = globalThis as unknown as Dom;
    const files = Array.from(dom.document.getElementById('e2e-drop-source')?.files ?? []);
    const dataTransfer = new dom.DataTransfer();
    for (const dropped of files) dataTransfer.items.add(dropped);
    const zone = dom.document.querySelector('[data-testid="drop-zone"]');
    for (const type of ['dragenter', 'dragover', 'drop']) zone?.dispatchEvent(new dom.DragEvent(type, { bubbles: true, cancelable: true, dataTransfer }));
  });

  await expect
    .poll(async () => {
      const listed = (await page.evaluate(() => (globalThis as unknown as PageGlobals).hoist!.invoke('uploads.list', {}))) as Envelope<UploadView[]>;
      return listed.ok ? listed.value.map((upload) => ({ path: upload.path, key: upload.key, targetId: upload.targetId })) : listed.error;
    })
    .toEqual([{ path: file, key: 'dropped.bin', targetId: 'e2e' }]);
  await expect(page.getByTestId('upload-row')).toHaveCount(1);
});
