/*
 * A small fake of the `electron` module for the shell's tests (there is no
 * Electron binary where Hoist is built). Tests mock electron with it:
 *
 *   vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);
 *
 * It is typed against electron.d.ts: objects use `satisfies Partial<…>` and
 * each class's members are checked against the real class (see the asserts at
 * the end), so a misspelt or invented API name fails the typecheck, as it
 * would in the shell. What tests read or steer lives in `fake`.
 */
import { EventEmitter } from 'node:events';
import type * as Electron from 'electron';

type Handler = (event: Electron.IpcMainInvokeEvent, ...args: any[]) => unknown; // eslint-disable-line @typescript-eslint/no-explicit-any -- electron's own listener type

/** What the tests steer and read; reset before each test. */
export const fake = {
  windows: [] as FakeBrowserWindow[],
  trays: [] as FakeTray[],
  notifications: [] as Electron.NotificationConstructorOptions[],
  ipcHandlers: new Map<string, Handler>(),
  protocolHandlers: new Map<string, (request: Request) => Response | Promise<Response>>(),
  privilegedSchemes: [] as Electron.CustomScheme[],
  openDialogAnswers: [] as Electron.OpenDialogReturnValue[],
  openDialogCalls: [] as Electron.OpenDialogOptions[],
  messageBoxAnswers: [] as number[],
  messageBoxCalls: [] as Electron.MessageBoxOptions[],
  errorBoxes: [] as string[],
  revealed: [] as string[],
  openedExternally: [] as string[],
  loginItemSettings: [] as Electron.Settings[],
  wasOpenedAtLogin: false,
  encryptionAvailable: true,
  storageBackend: 'gnome_libsecret' as ReturnType<Electron.SafeStorage['getSelectedStorageBackend']>,
  singleInstanceLock: true,
  exitCodes: [] as number[],
  quitCalls: 0,
  paths: new Map<string, string>(),
  appPath: '/opt/Hoist/resources/app.asar',
  headersListener: undefined as ((details: { responseHeaders?: Record<string, string[]> }, callback: (response: { responseHeaders?: Record<string, string[]> }) => void) => void) | undefined,
  permissionRequest: undefined as ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined,
  permissionCheck: undefined as (() => boolean) | undefined,
  blockers: new Set<number>(),
  online: true,
  ready: Promise.resolve(),
};

let nextId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextId++;
  readonly mainFrame = { url: '', detached: false, parent: null, frameTreeNodeId: this.id } as unknown as Electron.WebFrameMain;
  readonly fake = { sent: [] as Array<[string, unknown]>, windowOpenHandler: undefined as Parameters<Electron.WebContents['setWindowOpenHandler']>[0] | undefined };
  send(channel: string, payload: unknown): void {
    this.fake.sent.push([channel, payload]);
  }
  setWindowOpenHandler(handler: Parameters<Electron.WebContents['setWindowOpenHandler']>[0]): void {
    this.fake.windowOpenHandler = handler;
  }
  isDestroyed(): boolean {
    return false;
  }
  getURL(): string {
    return this.mainFrame.url;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  readonly webContents = new FakeWebContents() as FakeWebContents & Electron.WebContents;
  readonly fake: { options: Electron.BrowserWindowConstructorOptions; loaded: string[]; visible: boolean; destroyed: boolean; minimized: boolean };
  constructor(options: Electron.BrowserWindowConstructorOptions) {
    super();
    this.fake = { options, loaded: [], visible: false, destroyed: false, minimized: false };
    fake.windows.push(this);
  }
  static getAllWindows(): FakeBrowserWindow[] {
    return fake.windows.filter((window) => !window.fake.destroyed);
  }
  async loadURL(url: string): Promise<void> {
    this.fake.loaded.push(url);
    (this.webContents.mainFrame as { url: string }).url = url;
  }
  async loadFile(path: string): Promise<void> {
    await this.loadURL(`file://${path}`);
  }
  show(): void {
    this.fake.visible = true;
  }
  hide(): void {
    this.fake.visible = false;
  }
  focus(): void {}
  restore(): void {
    this.fake.minimized = false;
  }
  isMinimized(): boolean {
    return this.fake.minimized;
  }
  isVisible(): boolean {
    return this.fake.visible;
  }
  isDestroyed(): boolean {
    return this.fake.destroyed;
  }
  destroy(): void {
    this.fake.destroyed = true;
  }
}

export class FakeMenu extends EventEmitter {
  readonly items: Electron.MenuItem[] = [];
  constructor(readonly fake: { template: Electron.MenuItemConstructorOptions[] }) {
    super();
  }
  static buildFromTemplate(template: Electron.MenuItemConstructorOptions[]): FakeMenu {
    return new FakeMenu({ template });
  }
}

export class FakeTray extends EventEmitter {
  readonly fake: { image: unknown; tooltip: string; menu: FakeMenu | undefined; destroyed: boolean; changes: string[] };
  constructor(image: Electron.NativeImage | string) {
    super();
    this.fake = { image, tooltip: '', menu: undefined, destroyed: false, changes: [] };
    fake.trays.push(this);
  }
  setImage(image: Electron.NativeImage | string): void {
    this.fake.image = image;
    this.fake.changes.push('image');
  }
  setToolTip(tooltip: string): void {
    this.fake.tooltip = tooltip;
    this.fake.changes.push('tooltip');
  }
  setContextMenu(menu: Electron.Menu | null): void {
    this.fake.menu = (menu as unknown as FakeMenu | null) ?? undefined;
    this.fake.changes.push('menu');
  }
  isDestroyed(): boolean {
    return this.fake.destroyed;
  }
  destroy(): void {
    this.fake.destroyed = true;
  }
}

export class FakeNotification extends EventEmitter {
  constructor(readonly fake: Electron.NotificationConstructorOptions) {
    super();
  }
  static isSupported(): boolean {
    return true;
  }
  show(): void {
    fake.notifications.push(this.fake);
  }
}

/** A stand-in image: which file or buffer it was made from. */
const image = (from: Record<string, unknown>) => from as unknown as Electron.NativeImage;

const app = Object.assign(new EventEmitter(), {
  getVersion: () => '9.9.9-test',
  getAppPath: () => fake.appPath,
  getPath: (name: Parameters<Electron.App['getPath']>[0]) => fake.paths.get(name) ?? `/tmp/fake-${name}`,
  setPath: (name: string, path: string) => void fake.paths.set(name, path),
  requestSingleInstanceLock: () => fake.singleInstanceLock,
  quit: () => void (fake.quitCalls += 1),
  exit: (code?: number) => void fake.exitCodes.push(code ?? 0),
  isReady: () => true,
  whenReady: () => fake.ready,
  setAppUserModelId: () => undefined,
  setLoginItemSettings: (settings: Electron.Settings) => void fake.loginItemSettings.push(settings),
  getLoginItemSettings: () => ({ wasOpenedAtLogin: fake.wasOpenedAtLogin }) as Electron.LoginItemSettings,
} satisfies Partial<Electron.App>);

function answer<T>(queue: T[], otherwise: T): T {
  return queue.length > 0 ? (queue.shift() as T) : otherwise;
}

/** The dialogs take an optional parent window first, as Electron's do. */
const lastArg = <T>(args: unknown[]) => args[args.length - 1] as T;

const dialog = {
  showOpenDialog: async (...args: unknown[]) => {
    fake.openDialogCalls.push(lastArg(args));
    return answer(fake.openDialogAnswers, { canceled: true, filePaths: [] });
  },
  showMessageBox: async (...args: unknown[]) => {
    fake.messageBoxCalls.push(lastArg(args));
    return { response: answer(fake.messageBoxAnswers, 0), checkboxChecked: false };
  },
  showErrorBox: (title: string, content: string) => void fake.errorBoxes.push(`${title}: ${content}`),
} satisfies Partial<Electron.Dialog>;

const ipcMain = Object.assign(new EventEmitter(), {
  handle: (channel: string, listener: Handler) => {
    if (fake.ipcHandlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    fake.ipcHandlers.set(channel, listener);
  },
  removeHandler: (channel: string) => void fake.ipcHandlers.delete(channel),
} satisfies Partial<Electron.IpcMain>);

const session = {
  defaultSession: {
    webRequest: { onHeadersReceived: (listener: unknown) => void (fake.headersListener = listener as typeof fake.headersListener) } satisfies Partial<Electron.WebRequest> as unknown as Electron.WebRequest,
    setPermissionRequestHandler: (handler: unknown) => void (fake.permissionRequest = handler as typeof fake.permissionRequest),
    setPermissionCheckHandler: (handler: unknown) => void (fake.permissionCheck = handler as typeof fake.permissionCheck),
  } satisfies Partial<Electron.Session>,
};

const protocol = {
  registerSchemesAsPrivileged: (schemes: Electron.CustomScheme[]) => void fake.privilegedSchemes.push(...schemes),
  handle: (scheme: string, handler: (request: Request) => Response | Promise<Response>) => void fake.protocolHandlers.set(scheme, handler),
  unhandle: (scheme: string) => void fake.protocolHandlers.delete(scheme),
} satisfies Partial<Electron.Protocol>;

let nextBlocker = 1;
const powerSaveBlocker = {
  start: () => {
    const id = nextBlocker++;
    fake.blockers.add(id);
    return id;
  },
  stop: (id: number) => fake.blockers.delete(id),
} satisfies Partial<Electron.PowerSaveBlocker>;

/** The module as `import … from 'electron'` sees it. */
export const electronModule = {
  app,
  dialog,
  ipcMain,
  session,
  protocol,
  powerSaveBlocker,
  BrowserWindow: FakeBrowserWindow,
  Menu: FakeMenu,
  Tray: FakeTray,
  Notification: FakeNotification,
  nativeImage: {
    createFromPath: (path: string) => image({ path }),
    createFromBuffer: (buffer: Buffer, options?: Electron.CreateFromBufferOptions) => image({ bytes: buffer.length, ...options }),
  } satisfies Partial<typeof Electron.nativeImage>,
  safeStorage: {
    isEncryptionAvailable: () => fake.encryptionAvailable,
    getSelectedStorageBackend: () => fake.storageBackend,
    encryptString: (plain: string) => Buffer.from(`enc:${plain}`),
    decryptString: (encrypted: Buffer) => encrypted.toString().replace(/^enc:/, ''),
  } satisfies Partial<Electron.SafeStorage>,
  shell: {
    showItemInFolder: (path: string) => void fake.revealed.push(path),
    openExternal: async (url: string) => void fake.openedExternally.push(url),
  } satisfies Partial<Electron.Shell>,
  net: { isOnline: () => fake.online } satisfies Partial<typeof Electron.net>,
  powerMonitor: new EventEmitter() as EventEmitter & Partial<Electron.PowerMonitor>,
} satisfies Partial<Record<keyof typeof Electron, unknown>>;

/** A clean slate: no windows, handlers or answers, the defaults above. */
export function resetFakeElectron(): void {
  for (const list of [fake.windows, fake.trays, fake.notifications, fake.privilegedSchemes, fake.openDialogAnswers, fake.openDialogCalls]) list.length = 0;
  for (const list of [fake.messageBoxAnswers, fake.messageBoxCalls, fake.errorBoxes, fake.revealed, fake.openedExternally, fake.loginItemSettings, fake.exitCodes]) {
    list.length = 0;
  }
  fake.ipcHandlers.clear();
  fake.protocolHandlers.clear();
  fake.paths.clear();
  fake.blockers.clear();
  Object.assign(fake, {
    wasOpenedAtLogin: false,
    encryptionAvailable: true,
    storageBackend: 'gnome_libsecret',
    singleInstanceLock: true,
    quitCalls: 0,
    appPath: '/opt/Hoist/resources/app.asar',
    headersListener: undefined,
    permissionRequest: undefined,
    permissionCheck: undefined,
    online: true,
    ready: Promise.resolve(),
  });
  for (const emitter of [app, ipcMain, electronModule.powerMonitor]) emitter.removeAllListeners();
}

// Every member a fake class adds must exist on the real one ('fake' aside): a wrong API name fails here.
type NotInElectron<Fake, Real> = Exclude<keyof Fake, keyof Real | 'fake'>;
type Assert<T extends never> = T;
export type FakeApiChecks = [
  Assert<NotInElectron<FakeBrowserWindow, Electron.BrowserWindow>>,
  Assert<NotInElectron<FakeWebContents, Electron.WebContents>>,
  Assert<NotInElectron<FakeTray, Electron.Tray>>,
  Assert<NotInElectron<FakeMenu, Electron.Menu>>,
  Assert<NotInElectron<FakeNotification, Electron.Notification>>,
  Assert<Exclude<keyof typeof FakeBrowserWindow, keyof typeof Electron.BrowserWindow | 'prototype'>>,
];
