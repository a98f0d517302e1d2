// A HoistBridge for tests: records every invoke, answers from per-channel
// handlers (defaults below), and lets the test emit events as main would.
import { act } from '@testing-library/react';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import type {
  AppInfo,
  Envelope,
  GrantedPath,
  EventName,
  EventPayload,
  FolderFileView,
  FolderView,
  HoistBridge,
  OrphanView,
  RequestInput,
  RequestName,
  RequestOutput,
  TargetView,
  UploadView,
} from '../../../shared/ipc-contract.ts';

type Handler<N extends RequestName> = (input: RequestInput<N>) => Envelope<RequestOutput<N>> | Promise<Envelope<RequestOutput<N>>>;
type Handlers = { [N in RequestName]?: Handler<N> };

export const HEADLESS_INFO: AppInfo = { mode: 'headless', version: '0.1.0-test', canPickFiles: false, secretStorage: 'encrypted', platform: 'linux' };
export const ELECTRON_INFO: AppInfo = { mode: 'electron', version: '0.1.0-test', canPickFiles: true, secretStorage: 'encrypted', platform: 'linux' };

export function makeTarget(overrides: Partial<TargetView> = {}): TargetView {
  return {
    id: 't-main',
    name: 'Main bucket',
    endpoint: '',
    region: 'us-east-1',
    bucket: 'my-bucket',
    keyPrefix: 'backups/',
    pathStyle: false,
    credentials: { kind: 'chain' },
    expiryDays: 7,
    allowInsecureHttp: false,
    hasSecret: false,
    ...overrides,
  };
}

export function makeUpload(overrides: Partial<UploadView> = {}): UploadView {
  const id = overrides.id ?? 'u-1';
  return {
    id,
    path: `/data/${id}.bin`,
    bucket: 'my-bucket',
    key: `backups/${id}.bin`,
    endpoint: null,
    region: 'us-east-1',
    targetId: 't-main',
    state: 'uploading',
    bytesDone: 50 * 1024 * 1024,
    bytesInFlight: 0,
    partsInFlight: (overrides.state ?? 'uploading') === 'uploading' ? 1 : 0,
    bytesTotal: 200 * 1024 * 1024,
    partsDone: 5,
    partsTotal: 20,
    partSize: 10 * 1024 * 1024,
    startedAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:01:00.000Z',
    completedAt: null,
    expiresAt: null,
    restarts: 0,
    lastError: null,
    conflict: null,
    uploadId: 'mpu-1',
    speed: 4 * 1024 * 1024,
    etaSeconds: 38,
    ...overrides,
  };
}

const NO_FILES = { files: 0, bytes: 0 };

/** A folder row: 2,000 small files, 1,234 of them sent, running. */
export function makeFolder(overrides: Partial<FolderView> = {}): FolderView {
  const id = overrides.id ?? 'f-1';
  return {
    id,
    path: `/data/${id}`,
    bucket: 'my-bucket',
    prefix: `backups/${id}/`,
    endpoint: null,
    region: 'us-east-1',
    targetId: 't-main',
    state: 'sending',
    totals: {
      pending: { files: 700, bytes: 700 * 1024 },
      sending: { files: 4, bytes: 4 * 1024 },
      done: { files: 1234, bytes: 1234 * 1024 },
      there: { files: 50, bytes: 50 * 1024 },
      failed: { files: 2, bytes: 2048 },
      changed: NO_FILES,
      removed: NO_FILES,
      problem: { files: 1, bytes: 0 },
      differs: NO_FILES,
      kept: NO_FILES,
    },
    walking: false,
    running: true,
    startedAt: '2030-01-01T00:00:00.000Z',
    updatedAt: '2030-01-01T00:01:00.000Z',
    walkedAt: '2030-01-01T00:00:05.000Z',
    completedAt: null,
    lastError: null,
    differing: 0,
    bytesInFlight: 0,
    bytesSent: 1234 * 1024,
    speed: 512 * 1024,
    etaSeconds: 2,
    ...overrides,
  };
}

/** `count` files of a folder, named file-00000… in path order. */
export function makeFolderFiles(count: number, start = 0, overrides: Partial<FolderFileView> = {}): FolderFileView[] {
  return Array.from({ length: count }, (_, i) => ({ relPath: `file-${String(start + i).padStart(5, '0')}.txt`, size: 1024, state: 'done', message: null, ...overrides }));
}

export function makeOrphan(overrides: Partial<OrphanView> = {}): OrphanView {
  return {
    key: 'backups/lost.bin',
    uploadId: 'mpu-lost',
    startedAt: '2030-01-01T00:00:00.000Z',
    parts: 3,
    bytes: 15 * 1024 * 1024,
    hoistId: null,
    ...overrides,
  };
}

export const ok = <T>(value: T): Envelope<T> => ({ ok: true, value });

/** A grant as the fake main issues it: readable in assertions, and valid by the contract's schema. */
export const fakeGrant = (path: string): GrantedPath => ({ grant: `g_${path.replace(/[^A-Za-z0-9]/g, '_').padEnd(22, '_')}`, path });

export class FakeBridge implements HoistBridge {
  readonly calls: Array<{ name: RequestName; input: unknown }> = [];
  private readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly handlers: Handlers;
  grantDroppedFiles?: (files: readonly unknown[]) => Promise<Envelope<GrantedPath[]>>;

  constructor(
    options: {
      appInfo?: AppInfo;
      uploads?: UploadView[];
      folders?: FolderView[];
      targets?: TargetView[];
      /** What `orphans.list` answers, for every target. */
      orphans?: OrphanView[];
      handlers?: Handlers;
      /** Electron's drop: the path the preload would read for each File; main's grant is 'grant:' + path. */
      pathForFile?: (file: unknown) => string | undefined;
    } = {},
  ) {
    const defaults: Handlers = {
      'app.info': () => ok(options.appInfo ?? HEADLESS_INFO),
      'uploads.list': () => ok(options.uploads ?? []),
      'folders.list': () => ok(options.folders ?? []),
      'folders.files': () => ok([]),
      'folders.settleDiffering': () => ok({ files: 1 }),
      'targets.list': () => ok(options.targets ?? [makeTarget()]),
      'settings.get': () => ok(DEFAULT_SETTINGS),
      'settings.set': (patch) => ok({ ...DEFAULT_SETTINGS, ...patch }),
      'uploads.add': ({ paths = [], grants = [] }) =>
        ok({ added: [...paths, ...grants].map((path, i) => ({ id: `new-${i}`, path, key: path, continued: false })), rejected: [] }),
      'targets.save': ({ target }) => ok({ ...makeTarget(), ...target, hasSecret: target.credentials?.kind === 'keys' }),
      'dialog.pickPaths': () => ok([]),
      'uploads.clearFinished': () => ok({ removed: 0 }),
      'uploads.retryFailed': () => ok({ uploads: 0, folders: 0 }),
      'orphans.list': () => ok(options.orphans ?? []),
      'orphans.adopt': () => ok({ id: 'adopted-1', partsVerified: 1 }),
    };
    this.handlers = { ...defaults, ...options.handlers };
    const { pathForFile } = options;
    if (pathForFile) {
      this.grantDroppedFiles = async (files) => {
        const paths = files.map((file) => pathForFile(file)).filter((path): path is string => Boolean(path));
        return ok(paths.map((path) => fakeGrant(path)));
      };
    }
  }

  async invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>> {
    this.calls.push({ name, input });
    const handler = this.handlers[name] as Handler<N> | undefined;
    if (handler) return handler(input);
    return ok({ ok: true }) as Envelope<RequestOutput<N>>;
  }

  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
    const set = this.listeners.get(name) ?? new Set();
    this.listeners.set(name, set);
    const entry = (payload: unknown) => listener(payload as EventPayload<E>);
    set.add(entry);
    return () => set.delete(entry);
  }

  /** Emits an event as main would, inside act() so React renders the result. */
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void {
    act(() => {
      for (const listener of this.listeners.get(name) ?? []) listener(payload);
    });
  }

  /** The inputs of every call to one channel, in order. */
  inputsOf<N extends RequestName>(name: N): Array<RequestInput<N>> {
    return this.calls.filter((call) => call.name === name).map((call) => call.input as RequestInput<N>);
  }

  listenerCount(name: EventName): number {
    return this.listeners.get(name)?.size ?? 0;
  }
}
