import type { RunResult } from '../engine-options.ts';
import { isStopped, S3Failure, SourceError, describeError } from '../errors.ts';
import type { AddedUpload } from '../changes/add-upload.ts';
import type { AddUploadRequest } from '../engine-options.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { FolderFileRecord, FolderFileUpdate, FolderRecord, FolderStore } from '../ports/folder-store.ts';
import type { ListingCursor } from './listing-cursor.ts';
import { SlotPool } from '../sending/slot-pool.ts';
import { wholeFileLimit } from '../../../shared/domain/part-plan.ts';
import type { FolderJournal } from './folder-journal.ts';
import { crashPoint, holdPoint } from '../test-hooks/test-hooks.ts';
import { alreadyThere } from './already-there.ts';
import { putSmallFile, readSmallFile } from './small-file.ts';
import type { PooledRead, SmallFileDeps } from './small-file.ts';

export interface FolderSendDeps extends SmallFileDeps, PooledRead {
  folders: FolderStore;
  source: ByteSource;
  pool: SlotPool;
  journal: FolderJournal;
  /** The objects under the folder's prefix, read as the files are reached: one cursor per pass over the files, in path order. */
  listing: () => ListingCursor;
  /** Keys with an unfinished multipart upload on the server (one listing): only those look for one to adopt. */
  withUploads: ReadonlySet<string>;
  /** Records a big file's own upload (a multipart one; or finds its unfinished one), as adding a single file does. */
  addLargeFile: (request: AddUploadRequest) => Promise<AddedUpload>;
  runUpload: (id: string) => Promise<RunResult>;
  /** The walk has recorded more files, or has ended (then it resolves at once). */
  moreFiles: () => Promise<void>;
  walkEnded: () => boolean;
  progressMade: () => void;
}

const PAGE = 128;
/**
 * Files up to this size are read and hashed before a part slot is free for
 * them, so a slot the server frees goes back to work at once instead of
 * waiting for an open, a read and an MD5: with thousands of small files that
 * gap is a few per cent of every slot's time. Bigger ones are read in their
 * slot, as parts are: memory stays bounded by the slots, plus at most one
 * of these files per slot.
 */
const READ_AHEAD_MAX_BYTES = 1024 * 1024;

/**
 * Sends every pending file of the folder, in path order, as the walk records
 * them: files under the whole-file limit (wholeFileLimit: twice the part
 * size) here, each in one PutObject through the engine's part slots; bigger
 * ones as uploads of their own (multipart, resumable part by part) run by the engine. A page of files is recorded as sending in one
 * transaction before any of them goes out; acknowledgements are written in
 * batches (FolderJournal). A file's own trouble (gone, unreadable, changed)
 * is recorded against it and the rest go on; a trouble of the target (wrong
 * credentials, bucket gone) stops the folder.
 */
export async function sendPendingFiles(deps: FolderSendDeps, folder: FolderRecord, signal: AbortSignal): Promise<void> {
  const tasks = new Set<Promise<void>>();
  const sizes = { partSize: folder.partSize, limit: wholeFileLimit(folder.partSize) };
  // Small files on their way but not yet holding a part slot: at most one per slot.
  const readAhead = new SlotPool(deps.pool.size);
  let fatal: unknown;
  const track = (task: Promise<void>) => {
    const tracked = task.catch((error: unknown) => {
      fatal ??= error;
    });
    tasks.add(tracked);
    void tracked.finally(() => tasks.delete(tracked));
  };
  try {
    // Files can go back to pending behind the cursor (a changed file sent again): passes repeat until one finds none.
    for (let found = true; found; ) {
      found = false;
      const existing = deps.listing();
      for (let after: string | null = null; ; ) {
        if (fatal !== undefined) throw fatal;
        if (signal.aborted) throw signal.reason;
        const page = deps.folders.listFolderFiles(folder.id, ['pending'], after, PAGE);
        if (page.length === 0) {
          if (deps.walkEnded()) break;
          await deps.moreFiles();
          continue;
        }
        found = true;
        after = page[page.length - 1]?.relPath ?? after;
        deps.journal.begin(page.map((file) => ({ relPath: file.relPath, state: 'sending' })));
        crashPoint('folder-page-begun');
        await holdPoint('folder-page-begun');
        for (const file of page) {
          // One that has its own upload already continues it, whatever its size (an earlier run chose it).
          if (file.uploadRecordId !== null || file.size >= sizes.limit) {
            track(sendLargeFile(deps, folder, file, existing));
            continue;
          }
          const ahead = await readAhead.acquire(signal);
          track(sendOne(deps, folder, sizes, file, existing, signal, ahead));
        }
      }
      await Promise.all(tasks);
      if (fatal !== undefined) throw fatal;
    }
  } finally {
    // However it ends, the files on their way finish (or fail) and their states are written before this returns:
    // nothing of this run writes to the state database after it.
    const settling = Promise.allSettled(tasks);
    deps.journal.flush();
    await settling;
    deps.journal.flush();
  }
}

/**
 * `ahead` frees the file's place among those read ahead, once it holds a part
 * slot. The slot is freed as soon as the server has answered, not after the
 * batched write (the next file goes out meanwhile).
 */
async function sendOne(
  deps: FolderSendDeps,
  folder: FolderRecord,
  sizes: { partSize: number; limit: number },
  file: FolderFileRecord,
  existing: ListingCursor,
  signal: AbortSignal,
  ahead: () => void,
): Promise<void> {
  const key = folder.prefix + file.relPath;
  const path = joinPath(folder.path, file.relPath);
  let update: FolderFileUpdate;
  let release: (() => void) | undefined;
  try {
    const settled = await alreadyThere(deps, folder, file, existing, key, path);
    if (settled) {
      update = settled;
    } else {
      const early = file.size <= READ_AHEAD_MAX_BYTES ? await readSmallFile(deps.source, file, path, sizes) : undefined;
      release = await deps.pool.acquire(signal);
      ahead();
      const read = early ?? (await readSmallFile(deps.source, file, path, sizes, deps));
      try {
        const sent = await putSmallFile(deps, file, read, { bucket: folder.bucket, key }, signal);
        update = { relPath: file.relPath, state: 'done', md5: sent.md5, etag: sent.etag, message: null, ...sent.stat };
      } finally {
        // Only once the request is over, answered or failed: until then it may still be reading the buffer.
        read.release();
      }
    }
  } catch (error) {
    if (isStopped(error) || signal.aborted || (error instanceof S3Failure && error.kind !== 'retryable')) throw error;
    update = fileTrouble(file, error);
  } finally {
    ahead();
    release?.();
  }
  await deps.journal.record(update);
  deps.progressMade();
}

async function sendLargeFile(deps: FolderSendDeps, folder: FolderRecord, file: FolderFileRecord, existing: ListingCursor): Promise<void> {
  const key = folder.prefix + file.relPath;
  const path = joinPath(folder.path, file.relPath);
  let uploadId = file.uploadRecordId;
  try {
    if (uploadId === null) {
      const settled = await alreadyThere(deps, folder, file, existing, key, path);
      if (settled) {
        await deps.journal.record(settled);
        deps.progressMade();
        return;
      }
      const added = await deps.addLargeFile({
        path,
        location: { bucket: folder.bucket, key },
        target: { endpoint: folder.endpoint, region: folder.region, pathStyle: folder.pathStyle },
        ...(folder.targetId ? { targetId: folder.targetId } : {}),
        partSize: folder.partSize,
        adopt: deps.withUploads.has(key),
        folderId: folder.id,
      });
      uploadId = added.record.id;
      // Batched, not a commit of its own: the upload's record (already on disk) names the folder and the file, and a
      // run that finds the file on its way without this link finds the upload again by path and key (findUnfinished).
      deps.journal.record({ relPath: file.relPath, state: 'sending', uploadRecordId: uploadId }).catch(() => undefined);
    }
  } catch (error) {
    await deps.journal.record(fileTrouble(file, error));
    return;
  }
  const result = await deps.runUpload(uploadId);
  if (result.outcome === 'completed') await deps.journal.record({ relPath: file.relPath, state: 'done', message: null });
  else if (result.outcome === 'conflict') await deps.journal.record({ relPath: file.relPath, state: 'changed', message: result.error });
  else if (result.outcome === 'failed') await deps.journal.record({ relPath: file.relPath, state: 'failed', message: result.error });
  // Paused or stopped: it stays sending, with its upload; the next run continues it.
  deps.progressMade();
}

/** A file's own trouble, recorded against it: gone since the walk, unreadable, changed, or refused by the server. */
function fileTrouble(file: FolderFileRecord, error: unknown): FolderFileUpdate {
  if (error instanceof SourceError && error.code === 'missing') return { relPath: file.relPath, state: 'removed', message: `${file.relPath} is gone from the folder` };
  if (error instanceof SourceError && error.code === 'changed') return { relPath: file.relPath, state: 'changed', message: error.message };
  return { relPath: file.relPath, state: 'failed', message: `${file.relPath}: ${describeError(error)}` };
}

/** The folder's path and a '/'-separated path inside it (the engine has no node:path). */
export function joinPath(folder: string, relPath: string): string {
  return folder.endsWith('/') ? folder + relPath : `${folder}/${relPath}`;
}
