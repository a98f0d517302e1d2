/**
 * The contract's schemas for folders sent as one object per file: a folder's
 * one queue row (FolderView) and its files as the expanded row lists them.
 * Part of the IPC contract (ipc-contract.ts re-exports them).
 */
import { z } from 'zod';
import { RetryingSchema } from './ipc-upload-schemas.ts';

/**
 * A folder sent as one object per file: one row of the queue for the whole
 * folder. walking: recorded as the walk goes, so the totals still grow;
 * sending: walked or not, files go out; asking: nothing else left to do, but
 * files whose keys hold different objects wait for the user's choice
 * (folders.settleDiffering); the others as for uploads.
 */
export const FolderStateSchema = z.enum(['walking', 'sending', 'completed', 'failed', 'paused', 'cancelled', 'asking']);
export type FolderViewState = z.infer<typeof FolderStateSchema>;

/**
 * One file of a folder upload. pending: to send; sending: on its way; done:
 * sent; there: the same bytes were already at its key; failed: not sent, with
 * why; changed: differs from when it was recorded; removed: gone from the
 * folder since; problem: never sendable (a link, a special file, an unreadable
 * one, a name that cannot be a key); differs: not sent because its key holds a
 * different object, waiting for the user to overwrite or keep it; kept: the
 * user kept the server's object.
 */
export const FolderFileStateSchema = z.enum(['pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem', 'differs', 'kept']);
export type FolderFileViewState = z.infer<typeof FolderFileStateSchema>;

const Count = z.object({ files: z.number().int().nonnegative(), bytes: z.number().nonnegative() });
/** Files and bytes of a folder by file state. */
export const FolderTotalsSchema = z.object({
  pending: Count,
  sending: Count,
  done: Count,
  there: Count,
  failed: Count,
  changed: Count,
  removed: Count,
  problem: Count,
  differs: Count,
  kept: Count,
});
export type FolderTotalsView = z.infer<typeof FolderTotalsSchema>;

/** A folder upload as the queue shows it: one row, aggregate progress. Times are ISO-8601 strings. */
export const FolderViewSchema = z.object({
  id: z.string(),
  /** The folder, absolute. */
  path: z.string(),
  bucket: z.string(),
  /** Each file's key is this prefix followed by its path inside the folder. */
  prefix: z.string(),
  endpoint: z.string().nullable(),
  region: z.string(),
  targetId: z.string().nullable(),
  state: FolderStateSchema,
  totals: FolderTotalsSchema,
  /** Not walked to the end yet (its totals still grow). */
  walking: z.boolean(),
  /** A run of it is going on in main now. */
  running: z.boolean(),
  startedAt: z.string(),
  updatedAt: z.string(),
  walkedAt: z.string().nullable(),
  completedAt: z.string().nullable(),
  lastError: z.string().nullable(),
  /** Files not sent because their keys hold different objects: the user chooses to overwrite them or keep the server's. */
  differing: z.number().int().nonnegative(),
  /** Bytes of big files on their way that the server has acknowledged (they count in totals once the file is done). */
  bytesInFlight: z.number().nonnegative(),
  /** Body bytes this run of the app sent for the folder. */
  bytesSent: z.number().nonnegative(),
  /** Bytes per second while running, 0 otherwise. */
  speed: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  /** Waiting to try one of the folder's own requests again ("Retrying in 12 s: …" instead of "Uploading"). */
  retrying: RetryingSchema.nullable().optional(),
});
export type FolderView = z.infer<typeof FolderViewSchema>;

/** What to do with a folder's differing files: send them over exactly the objects shown, or keep the server's. */
export const DifferingChoiceSchema = z.enum(['overwrite', 'skip']);
export type DifferingChoiceView = z.infer<typeof DifferingChoiceSchema>;

/** One file of a folder upload, as the expanded folder row lists it. */
export const FolderFileViewSchema = z.object({
  /** Its path inside the folder, '/'-separated. */
  relPath: z.string(),
  size: z.number().nonnegative(),
  state: FolderFileStateSchema,
  /** Why it failed, what changed, what differs from the object at its key, or the problem, in words. */
  message: z.string().nullable(),
});
export type FolderFileView = z.infer<typeof FolderFileViewSchema>;
