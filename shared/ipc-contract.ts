/**
 * The one contract between the UI and the main process: every request and
 * every event, with a zod schema and its TypeScript type. The preload, the
 * Electron IPC handlers and the headless web bridge are all built from this
 * file; main validates every payload with it before acting. The names alone
 * live in `ipc-channels.ts` (no zod, for the preload's bundle); the contract
 * must cover exactly those names: `satisfies` below checks it.
 */
import { z } from 'zod';
import { EVENT_NAMES, IPC_PREFIX, REQUEST_NAMES, isEventName, isRequestName } from './ipc-channels.ts';
import type { EventName, RequestName } from './ipc-channels.ts';
import { DifferingChoiceSchema, FolderFileStateSchema, FolderFileViewSchema, FolderViewSchema } from './ipc-folder-schemas.ts';
import { BrowseInputSchema, BrowseResultSchema } from './ipc-browse-schemas.ts';
import { TargetCheckSchema } from './ipc-target-check.ts';
import { RetryingSchema } from './ipc-upload-schemas.ts';
import { AddResultSchema, GrantSchema, GrantedPathSchema, MAX_ADD_ITEMS, RequestPathSchema } from './ipc-path-schemas.ts';
import type { GrantedPath } from './ipc-path-schemas.ts';
import { insecureEndpoint } from './endpoint-rules.ts';
import { SettingsPatchSchema, SettingsSchema, TargetSchema, TargetViewSchema } from './ipc-target-schemas.ts';

export { EVENT_NAMES, IPC_PREFIX, REQUEST_NAMES, isEventName, isRequestName };
export type { EventName, RequestName };
export * from './ipc-folder-schemas.ts';
export * from './ipc-upload-schemas.ts';
export * from './ipc-browse-schemas.ts';
export * from './ipc-target-check.ts';
export * from './ipc-path-schemas.ts';
export * from './endpoint-rules.ts';
export * from './ipc-target-schemas.ts';

// ---------------------------------------------------------------- domain schemas

export const UploadStateSchema = z.enum([
  'queued',
  'uploading',
  'paused',
  'completed',
  'failed',
  'cancelled',
  /** The source changed since the upload started: the user chooses what happens. */
  'conflict',
  /** The source file is gone or unreadable: the upload and its parts on the server wait until it is back (retry) or cancelled. */
  'missing',
]);
export type UploadViewState = z.infer<typeof UploadStateSchema>;

/** How a dropped or added folder is sent: one object per file, or the whole folder as one .tar object made on the fly. */
export const FolderModeSchema = z.enum(['files', 'archive']);
export type FolderMode = z.infer<typeof FolderModeSchema>;

export const ConflictChoiceSchema = z.enum(['restart', 'reuse', 'cancel']);
export type ConflictChoice = z.infer<typeof ConflictChoiceSchema>;

/** One row of the queue, as every host shows it. Times are ISO-8601 strings. */
export const UploadViewSchema = z.object({
  id: z.string(),
  path: z.string(),
  bucket: z.string(),
  key: z.string(),
  endpoint: z.string().nullable(),
  region: z.string(),
  targetId: z.string().nullable(),
  state: UploadStateSchema,
  /** Bytes the server confirmed (parts acknowledged): never goes back, even when Hoist is killed. */
  bytesDone: z.number().nonnegative(),
  /** Bytes of parts on the wire now, not yet confirmed: a kill loses them, so they are shown apart. */
  bytesInFlight: z.number().nonnegative().default(0),
  /** Parts holding a sending slot now; 0 while an upload waits for a slot (or for the server). */
  partsInFlight: z.number().int().nonnegative().default(0),
  bytesTotal: z.number().nonnegative(),
  partsDone: z.number().int().nonnegative(),
  partsTotal: z.number().int().nonnegative(),
  partSize: z.number().int().nonnegative(),
  startedAt: z.string(),
  updatedAt: z.string(),
  completedAt: z.string().nullable(),
  /** When the server will discard the unfinished upload; null when it never does or is finished. */
  expiresAt: z.string().nullable(),
  /** Times the server discarded the unfinished upload and Hoist started again. */
  restarts: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** What changed in the source, when state is 'conflict'. */
  conflict: z.string().nullable(),
  /** 'object': the conflict is over an object someone else wrote at the key, not a changed source (the choices differ). */
  conflictOver: z.literal('object').optional(),
  uploadId: z.string().nullable(),
  /** Bytes per second while running, 0 otherwise. */
  speed: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** While a request failed and waits to be tried again: when, why, and which retry of how many (progress resets the count). */
  retrying: RetryingSchema.nullable().optional(),
});
export type UploadView = z.infer<typeof UploadViewSchema>;

export const UploadEventViewSchema = z.object({
  at: z.string(),
  kind: z.string(),
  message: z.string(),
});
export type UploadEventView = z.infer<typeof UploadEventViewSchema>;

export const AppInfoSchema = z.object({
  mode: z.enum(['electron', 'headless']),
  version: z.string(),
  /** The native file dialog exists (Electron); headless adds by typed path instead. */
  canPickFiles: z.boolean(),
  /** How typed secrets would be stored: encrypted by the OS, or not at all. */
  secretStorage: z.enum(['encrypted', 'unavailable']),
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** An unfinished multipart upload on the server under a target's prefix (they cost storage until completed or aborted). */
export const OrphanViewSchema = z.object({
  key: z.string(),
  uploadId: z.string(),
  /** When the server says it was created; null when it does not say. */
  startedAt: z.string().nullable(),
  parts: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  /** The local upload continuing it (cancel that instead of aborting); null for a real orphan. */
  hoistId: z.string().nullable(),
});
export type OrphanView = z.infer<typeof OrphanViewSchema>;

// ---------------------------------------------------------------- requests

const Id = z.object({ id: z.string().min(1).max(64) });
const Nothing = z.object({}).strict();
const Ok = z.object({ ok: z.literal(true) });
const TargetId = z.string().min(1).max(64);
/** S3 does not bound upload ids; AWS's are a few hundred characters. */
const ServerUploadId = z.string().min(1).max(1024);

export const requests = {
  'app.info': { input: Nothing, output: AppInfoSchema },
  'uploads.list': { input: Nothing, output: z.array(UploadViewSchema) },
  'uploads.events': { input: Id, output: z.array(UploadEventViewSchema) },
  /** Raw `paths` headless, `grants` in Electron (ipc-path-schemas.ts): the host refuses the other. */
  'uploads.add': {
    input: z
      .object({
        paths: z.array(RequestPathSchema).max(MAX_ADD_ITEMS).default([]),
        grants: z.array(GrantSchema).max(MAX_ADD_ITEMS).default([]),
        targetId: z.string().min(1).max(64),
        folderMode: FolderModeSchema.default('files'),
      })
      .refine((input) => input.paths.length + input.grants.length > 0, 'name at least one file or folder')
      .refine((input) => input.paths.length + input.grants.length <= MAX_ADD_ITEMS, `at most ${MAX_ADD_ITEMS} files or folders at once`),
    output: AddResultSchema,
  },
  'uploads.pause': { input: Id, output: Ok },
  'uploads.resume': { input: Id, output: Ok },
  'uploads.retry': { input: Id, output: Ok },
  'uploads.cancel': { input: Id, output: Ok },
  'uploads.resolveConflict': { input: Id.extend({ choice: ConflictChoiceSchema }), output: Ok },
  'uploads.reveal': { input: Id, output: Ok },
  'uploads.pauseAll': { input: Nothing, output: Ok },
  'uploads.resumeAll': { input: Nothing, output: Ok },
  'uploads.clearFinished': { input: Nothing, output: z.object({ removed: z.number().int() }) },
  /** Runs again every failed upload and failed folder (not those waiting for a choice); answers how many of each. */
  'uploads.retryFailed': { input: Nothing, output: z.object({ uploads: z.number().int().nonnegative(), folders: z.number().int().nonnegative() }) },
  'folders.list': { input: Nothing, output: z.array(FolderViewSchema) },
  /** One page of a folder's files in path order: those after `after` (exclusive), in the given states (all when omitted). */
  'folders.files': {
    input: z.object({
      folderId: z.string().min(1).max(64),
      states: z.array(FolderFileStateSchema).min(1).max(FolderFileStateSchema.options.length).optional(),
      after: z.string().max(8192).nullable().default(null),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    output: z.array(FolderFileViewSchema),
  },
  'folders.pause': { input: Id, output: Ok },
  /** Runs a paused or failed folder again (its failed files are tried again; changed ones too with sendChanged). */
  'folders.resume': { input: Id.extend({ sendChanged: z.boolean().default(false) }), output: Ok },
  /** Stops it, aborts its big files' multipart uploads on the server and forgets it; objects already sent stay. */
  'folders.cancel': { input: Id, output: Ok },
  /**
   * The user's choice for every file of the folder whose key holds a different
   * object: main picks the files (the UI names only the folder), applies it and
   * runs the folder again; overwriting replaces only the objects the user was
   * shown. Answers how many files it applied to.
   */
  'folders.settleDiffering': { input: Id.extend({ choice: DifferingChoiceSchema }).strict(), output: z.object({ files: z.number().int().nonnegative() }) },
  'targets.list': { input: Nothing, output: z.array(TargetViewSchema) },
  'targets.save': {
    input: z
      .object({
        target: TargetSchema,
        /** Only with credentials.kind 'keys'; omitted keeps the stored secret (unless the endpoint changes: then it is dropped). */
        secretAccessKey: z.string().min(1).max(512).optional(),
        /**
         * The one-time code of a 'confirm-required' answer, sent back once the
         * user agreed to the question it came with (headless mode; the desktop
         * app asks in a native dialog instead).
         */
        confirmation: z.string().min(1).max(128).optional(),
      })
      .refine((input) => !insecureEndpoint(input.target), {
        path: ['target', 'allowInsecureHttp'],
        message: 'plain http:// sends keys and data unencrypted: use https://, an endpoint on this machine, or allow plain http for this target',
      }),
    /** The target as saved, and what trying it found (saved either way: a failed check is a warning). */
    output: TargetViewSchema.extend({ check: TargetCheckSchema.optional() }),
  },
  'targets.remove': { input: Id, output: Ok },
  'settings.get': { input: Nothing, output: SettingsSchema },
  'settings.set': { input: SettingsPatchSchema, output: SettingsSchema },
  /** Unfinished multipart uploads on the server under the target's prefix. */
  'orphans.list': { input: z.object({ targetId: TargetId }), output: z.array(OrphanViewSchema) },
  /** Refused for an upload Hoist is continuing: cancel that upload instead. */
  'orphans.abort': { input: z.object({ targetId: TargetId, uploadId: ServerUploadId }), output: Ok },
  /** Continues the server's upload with the local file at `path` (its parts are verified against it first), then starts it. */
  'orphans.adopt': {
    input: z
      .object({ targetId: TargetId, uploadId: ServerUploadId, path: RequestPathSchema.optional(), grant: GrantSchema.optional() })
      .refine((input) => (input.path === undefined) !== (input.grant === undefined), 'name the local file by path or by grant, one of them'),
    output: z.object({ id: z.string(), partsVerified: z.number().int().nonnegative() }),
  },
  /** The native file dialog (Electron only): a grant per chosen path, empty when cancelled. */
  'dialog.pickPaths': { input: z.object({ folders: z.boolean() }), output: z.array(GrantedPathSchema) },
  /** Headless only (the desktop app has native dialogs): one page of a folder on Hoist's machine, under the same rules as adding. */
  'files.browse': { input: BrowseInputSchema, output: BrowseResultSchema },
} as const satisfies Record<RequestName, { input: z.ZodType; output: z.ZodType }>;

export type RequestInput<N extends RequestName> = z.input<(typeof requests)[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<(typeof requests)[N]['output']>;

// ---------------------------------------------------------------- events (main → UI)

/** What an upload's notice is about; each names the state it lasts for (see the renderer's notices). */
export const NoticeAboutSchema = z.enum(['expiry', 'failed', 'conflict', 'missing', 'restarted', 'exists']);
export type NoticeAbout = z.infer<typeof NoticeAboutSchema>;

export const events = {
  /** Rows that changed (coalesced to at most ~10 per second). */
  'uploads.changed': z.object({ uploads: z.array(UploadViewSchema) }),
  /** Rows that are gone (cancelled, cleared). */
  'uploads.removed': z.object({ ids: z.array(z.string()) }),
  /** Folder rows that changed (at most every half second per running folder). */
  'folders.changed': z.object({ folders: z.array(FolderViewSchema) }),
  /** Folder rows that are gone (cancelled, cleared). */
  'folders.removed': z.object({ ids: z.array(z.string()) }),
  /** Something the user should read: a failure, a restart after expiry, a finished batch. */
  notice: z.object({
    level: z.enum(['info', 'warning', 'error']),
    message: z.string(),
    uploadId: z.string().optional(),
    /** The upload's state the notice describes: the UI shows it only while the upload is still in that state. */
    about: NoticeAboutSchema.optional(),
  }),
} as const satisfies Record<EventName, z.ZodType>;

export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>;

// ---------------------------------------------------------------- transport

/** Every answer travels in this envelope: an invalid payload or a failure is a typed error, never a crash. */
export const ErrorCodeSchema = z.enum(['invalid-payload', 'unknown-channel', 'forbidden', 'not-found', 'unsupported', 'confirm-required', 'failed']);
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;
/** With 'confirm-required': the question to put to the user and the one-time code that says yes to it. */
export interface ConfirmationRequest {
  code: string;
  question: string;
}
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: { code: ErrorCode; message: string; confirm?: ConfirmationRequest } };

/** The API the renderer gets, whether from the Electron preload or the headless web bridge. */
export interface HoistBridge {
  invoke<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Envelope<RequestOutput<N>>>;
  on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** Electron only: grants for dropped Files (their paths read by the preload, granted by main); absent in a browser. */
  grantDroppedFiles?(files: readonly unknown[]): Promise<Envelope<GrantedPath[]>>;
}

// ---------------------------------------------------------------- the names match the schemas

// `satisfies` above already refuses a missing name and an extra key; these say it both ways, by type.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type _RequestNamesAreTheContracts = Assert<Same<keyof typeof requests, RequestName>>;
type _EventNamesAreTheContracts = Assert<Same<keyof typeof events, EventName>>;
