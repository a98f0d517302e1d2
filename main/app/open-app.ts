import { resolve } from 'node:path';
import { defaultStateDir } from '../app-paths.ts';
import { describeRebuild, rebuildFromSalvage } from './rebuild-from-salvage.ts';
import { describeFolderRebuild, rebuildFolders, rebuiltFolderIds } from './rebuild-folders.ts';
import { platformPorts } from '../platform/platform-ports.ts';
import { UploadEngine } from '../engine/upload-engine.ts';
import type { FolderUploads } from '../engine/folders/folder-uploads.ts';
import type { TargetConfig } from '../engine/ports/records.ts';
import { DEFAULT_S3_OPTIONS } from '../s3/s3-client.ts';
import type { S3Credentials } from '../s3/s3-client.ts';
import { S3ObjectStore } from '../s3/s3-object-store.ts';
import { ArchiveSource } from '../source/archive-source.ts';
import { FileSource } from '../source/file-source.ts';
import { SqliteAppConfigStore } from '../store/app-config-store.ts';
import { openState } from '../store/open-state.ts';
import { localFolderUploads } from '../local-folders.ts';
import { describeRecovery } from '../store/recover-state.ts';
import type { Recovery } from '../store/recover-state.ts';
import { HoistApp } from './hoist-app.ts';
import type { HostCapabilities } from './host-capabilities.ts';

const DAY_MS = 24 * 3600 * 1000;
/** What Hoist assumes when it knows nothing better about a server's expiry of unfinished uploads. */
const DEFAULT_EXPIRY_DAYS = 7;

export interface OpenAppOptions {
  stateDir?: string;
  host: HostCapabilities;
}

export interface OpenedApp {
  app: HoistApp;
  stateDir: string;
  close(): Promise<void>;
}

/**
 * Wires the app for a host: the state database (shared with the CLI), the
 * engine with per-target credentials and expiry, folders sent as one object
 * per file beside it, settings applied.
 */
export function openHoistApp(options: OpenAppOptions): OpenedApp {
  const stateDir = resolve(options.stateDir ?? process.env.HOIST_STATE_DIR ?? defaultStateDir());
  // The app writes for as long as it runs: it is the state directory's one writer, or it does not start.
  const state = openState(stateDir, { lockFor: options.host.mode === 'electron' ? 'the Hoist app' : 'hoist-headless' });
  const { store } = state;
  const config = new SqliteAppConfigStore(store.database);
  // The engine asks the app for targets, and the app needs the engine: resolved once both exist.
  const late: { app?: HoistApp } = {};

  const credentialsFor = (targetId: string | null): S3Credentials | undefined => {
    const target = late.app?.target(targetId);
    if (!target) return undefined;
    if (target.credentials.kind === 'chain') return target.credentials.profile ? { profile: target.credentials.profile } : undefined;
    const secretAccessKey = options.host.secrets.get(target.id);
    if (!secretAccessKey) return undefined;
    return { accessKeyId: target.credentials.accessKeyId, secretAccessKey };
  };

  const ports = platformPorts();
  const source = new FileSource();
  const engine = new UploadEngine(
    {
      store,
      objectStoreFor: (target: TargetConfig & { targetId: string | null }) =>
        S3ObjectStore.forTarget(target, DEFAULT_S3_OPTIONS, credentialsFor(target.targetId)),
      source,
      archives: new ArchiveSource(),
      ...ports,
    },
    {
      expiryMsFor: (upload) => {
        const target = late.app?.target(upload.targetId);
        const days = target ? target.expiryDays : DEFAULT_EXPIRY_DAYS;
        return days === null ? null : days * DAY_MS;
      },
    },
  );
  const folders = localFolderUploads({ engine, store, source, clock: ports.clock, log: (folderId, message) => options.host.log(`folder ${folderId}: ${message}`) });
  const opened = new HoistApp({ engine, folders, store, config, host: options.host, stateDir });
  late.app = opened;
  opened.applySettings();
  engine.pruneHistory();
  // Not waited for at close: a rebuild still verifying parts finds the database closed and stops; the next start has what it adopted.
  if (state.recovery) void rebuildInBackground(opened, folders, state.recovery);
  return {
    app: opened,
    stateDir,
    close: async () => {
      await opened.shutdown();
      state.close();
    },
  };
}

/**
 * The state database was damaged and replaced: the UI is told at once, then
 * the unfinished folders read from the old one are recorded again and the
 * unfinished uploads adopted again from the server (verified part by part,
 * which reads the files: it runs while the app is already usable; a rebuilt
 * folder's big files are left to the folder), and those rebuilt start.
 */
async function rebuildInBackground(app: HoistApp, folders: FolderUploads, recovery: Recovery): Promise<void> {
  app.noticeAtStart({ level: 'warning', message: `Hoist: ${describeRecovery(recovery)}` });
  try {
    const folderReport = await rebuildFolders(folders, recovery.salvage.folders);
    const report = await rebuildFromSalvage(app.deps.engine, recovery.salvage.uploads, rebuiltFolderIds(folderReport));
    for (const line of [...describeFolderRebuild(folderReport), ...describeRebuild(report)]) app.noticeAtStart({ level: line.ok ? 'info' : 'warning', message: line.text });
    for (const { record } of folderReport.rebuilt) app.folders.start(record.id);
    for (const { record } of report.rebuilt) app.start(record.id);
  } catch (error) {
    app.deps.host.log(`rebuilding uploads after the state database was replaced: ${String(error)}`);
  }
}
