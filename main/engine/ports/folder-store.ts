import type { TargetConfig } from './records.ts';

/**
 * Folders sent as one object per file, as the state database holds them (see
 * main/store/migrations/005-folders.ts). A folder of 100,000 files is 100,000
 * rows, so they are written in batches (one transaction for many rows) and
 * read page by page, never all at once.
 */

/** asking: every other file is settled, and some wait for the user's choice because their keys hold different objects. */
export type FolderState = 'walking' | 'sending' | 'completed' | 'failed' | 'paused' | 'cancelled' | 'asking';

/**
 * What to do with a file whose key already holds an object that is not the
 * file's bytes (identical ones are always skipped, except under 'overwrite'):
 * send it, send it anyway, fail it, or (the app) leave it 'differs' and ask.
 */
export type IfExists = 'skip-identical' | 'overwrite' | 'fail' | 'ask';

/**
 * pending: to send; sending: recorded as on its way (a crash leaves it so: the
 * next run checks the server before sending it again); done: sent and
 * acknowledged; there: the same bytes were already at its key; failed: not
 * sent, with why; changed: differs from when it was recorded (follows the
 * on-change choice); removed: gone from the folder since; problem: never sendable
 * (a link, a special file, an unreadable one, a name that cannot be a key);
 * differs: not sent because its key holds a different object (if-exists 'ask'),
 * waiting for the user to overwrite it or keep it; kept: the user kept that
 * object, so the file is settled without being sent.
 */
export type FolderFileState = 'pending' | 'sending' | 'done' | 'there' | 'failed' | 'changed' | 'removed' | 'problem' | 'differs' | 'kept';

export interface FolderRecord extends TargetConfig {
  id: string;
  /** The folder, absolute. */
  path: string;
  bucket: string;
  /** Each file's key is this prefix followed by its path inside the folder. */
  prefix: string;
  targetId: string | null;
  partSize: number;
  ifExists: IfExists;
  state: FolderState;
  startedAt: number;
  /** When the whole folder had been walked and recorded; null while walking. */
  walkedAt: number | null;
  completedAt: number | null;
  updatedAt: number;
  lastError: string | null;
}

export type NewFolder = Pick<FolderRecord, 'id' | 'path' | 'endpoint' | 'region' | 'pathStyle' | 'bucket' | 'prefix' | 'targetId' | 'partSize' | 'ifExists' | 'startedAt'>;

export interface FolderFileRecord {
  folderId: string;
  relPath: string;
  size: number;
  mtimeNs: string;
  fileId: string;
  state: FolderFileState;
  md5: string | null;
  /** The object's ETag: the one sent or found identical; for a file that differs (or was kept), the other object's found at its key. */
  etag: string | null;
  /**
   * The ETag of the object the user agreed to overwrite (the one shown as
   * differing; '' when the server listed none): only that object may be
   * replaced; another one found at send time is asked about again.
   */
  agreedEtag: string | null;
  /** A file sent in parts has an upload record of its own. */
  uploadRecordId: string | null;
  /** Why it failed, what changed, or the problem, in words. */
  message: string | null;
}

export type NewFolderFile = Pick<FolderFileRecord, 'relPath' | 'size' | 'mtimeNs' | 'fileId' | 'state'> & { message?: string | null };

/**
 * Fields left out keep their value, but for `agreedEtag`: a file settled
 * (done, there, kept) has used its agreement up, so it is cleared then;
 * `agreedEtag: null` clears it in any state.
 */
export type FolderFileUpdate = { relPath: string; state: FolderFileState } & Partial<
  Pick<FolderFileRecord, 'md5' | 'etag' | 'agreedEtag' | 'uploadRecordId' | 'message' | 'size' | 'mtimeNs' | 'fileId'>
>;

/** Files and bytes of a folder by state, for its one line of progress. */
export type FolderTotals = Record<FolderFileState, { files: number; bytes: number }>;

export interface FolderStore {
  createFolder(folder: NewFolder): FolderRecord;
  getFolder(id: string): FolderRecord | undefined;
  listFolders(): FolderRecord[];
  /** The unfinished folder upload of this folder to this place, if any. */
  findUnfinishedFolder(path: string, bucket: string, prefix: string, endpoint: string | undefined): FolderRecord | undefined;
  setFolderState(id: string, state: FolderState, lastError?: string | null): void;
  markFolderWalked(id: string): void;
  /** One transaction: files not recorded yet are added; ones already recorded are left as they are. Returns how many were new. */
  addFolderFiles(id: string, files: readonly NewFolderFile[]): number;
  getFolderFile(id: string, relPath: string): FolderFileRecord | undefined;
  /** Those of these files already recorded, by path: one query for a walk's batch, not one per file. */
  getFolderFiles(id: string, relPaths: readonly string[]): Map<string, FolderFileRecord>;
  /** Files in the given states, in path order after `after` (exclusive), at most `limit`: one page. */
  listFolderFiles(id: string, states: readonly FolderFileState[], after: string | null, limit: number): FolderFileRecord[];
  /** One transaction for all of them: a batch of files started, or acknowledged. */
  updateFolderFiles(id: string, updates: readonly FolderFileUpdate[]): void;
  /** Every file of the folder in one of `from` goes to `to`, in one statement. */
  resetFolderFiles(id: string, from: readonly FolderFileState[], to: FolderFileState): number;
  folderTotals(id: string): FolderTotals;
  /** The folder, its files and their uploads. */
  deleteFolder(id: string): void;
}
