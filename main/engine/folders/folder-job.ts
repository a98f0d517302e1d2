import { ASSUMED_CAPABILITIES } from '../capabilities/probe-capabilities.ts';
import type { AddedUpload } from '../changes/add-upload.ts';
import type { AddUploadRequest, RunResult, SendingShare } from '../engine-options.ts';
import { describeError, isStopped } from '../errors.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { Clock } from '../ports/clock.ts';
import type { FolderLister } from '../ports/folder-lister.ts';
import type { FolderRecord, FolderStore, FolderTotals } from '../ports/folder-store.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { CapabilityStore } from '../ports/state-store.ts';
import { RetryBudget } from '../sending/retry-budget.ts';
import { RetryWatch } from '../sending/retry-watch.ts';
import type { RetryWait } from '../sending/retry-watch.ts';
import { FolderJournal } from './folder-journal.ts';
import { ListingCursor } from './listing-cursor.ts';
import { reconcileInterrupted } from './folder-reconcile.ts';
import { sendPendingFiles } from './folder-send.ts';
import { walkIntoStore } from './folder-walk.ts';
import type { WalkReport } from './folder-walk.ts';

export interface FolderJobDeps {
  folders: FolderStore;
  capabilities: CapabilityStore;
  lister: FolderLister;
  source: ByteSource;
  objects: ObjectStore;
  clock: Clock;
  share: SendingShare;
  addLargeFile: (request: AddUploadRequest) => Promise<AddedUpload>;
  runUpload: (id: string) => Promise<RunResult>;
  onProgress: (bytes: number) => void;
  log: (message: string) => void;
  /** One of the folder's own requests (listings, small files) began or ended a wait before trying again. */
  onRetrying?: (wait: RetryWait | undefined) => void;
}

export interface FolderResult {
  id: string;
  /** asking: nothing else left to do, but files whose keys hold different objects wait for the user (if-exists 'ask'). */
  outcome: 'completed' | 'failed' | 'conflict' | 'stopped' | 'asking';
  error: string | null;
  totals: FolderTotals;
  walk: WalkReport;
  /** Files a killed run left on their way: found complete on the server, or to send again. */
  interrupted: { confirmed: number; resent: number };
}

/**
 * One run of a folder upload: list the prefix's unfinished multipart uploads
 * once, settle the files a killed run left on their way (by the objects
 * listed under the prefix), then walk the folder into the state database while sending what is
 * pending, and end completed only when every file is sent or already there.
 */
export async function runFolderJob(deps: FolderJobDeps, folder: FolderRecord, options: { resendChanged: boolean }, signal: AbortSignal): Promise<FolderResult> {
  const { folders } = deps;
  const result: FolderResult = { id: folder.id, outcome: 'failed', error: null, totals: folders.folderTotals(folder.id), walk: { added: [], changedAfterSending: [] }, interrupted: { confirmed: 0, resent: 0 } };
  const budget = new RetryBudget(deps.share.retryPolicy);
  const retries: RetryWatch = new RetryWatch({ budget, policy: deps.share.retryPolicy, clock: deps.clock, log: deps.log, onChange: () => deps.onRetrying?.(retries.current) });
  const retry = <T>(attempt: () => Promise<T>, what: string) => retries.run(attempt, signal, what);
  try {
    folders.setFolderState(folder.id, folder.walkedAt === null ? 'walking' : 'sending');
    const unfinished = await retry(() => deps.objects.listMultipartUploads(folder.bucket, folder.prefix, signal), 'ListMultipartUploads');
    // The objects already under the prefix, a page at a time as the files are reached in path order (see listing-cursor.ts).
    const listing = () => new ListingCursor((token, startAfter) => retry(() => deps.objects.listObjectsPage(folder.bucket, folder.prefix, token, signal, startAfter), 'ListObjectsV2'));
    // Files an earlier run could not send are tried again; changed ones only when the user said to send them again.
    folders.resetFolderFiles(folder.id, options.resendChanged ? ['failed', 'changed'] : ['failed'], 'pending');
    result.interrupted = await reconcileInterrupted(deps, folder, listing());
    // Walking and sending go together; either one's failure stops the other.
    const inner = new AbortController();
    const stop = () => inner.abort(signal.reason);
    signal.addEventListener('abort', stop, { once: true });
    const walker = new WalkSignal();
    const walking = walkIntoStore({ lister: deps.lister, folders, onBatch: () => walker.batch() }, folder, { resendChanged: options.resendChanged, signal: inner.signal })
      .catch((error: unknown) => {
        inner.abort(error);
        throw error;
      })
      .finally(() => walker.end());
    const sending = sendPendingFiles(
      {
        folders,
        source: deps.source,
        objects: deps.objects,
        pool: deps.share.pool,
        buffers: deps.share.buffers,
        hasher: deps.share.hasher,
        journal: new FolderJournal(folders, folder.id),
        listing,
        withUploads: new Set(unfinished.map((upload) => upload.key)),
        addLargeFile: deps.addLargeFile,
        runUpload: deps.runUpload,
        moreFiles: () => walker.next(),
        walkEnded: () => walker.ended,
        progressMade: () => budget.progressMade(),
        // Where nothing is known yet (no upload to this bucket probed it), what every S3 server does.
        capabilities: deps.capabilities.getCapabilities(folder.endpoint, folder.bucket) ?? { ...ASSUMED_CAPABILITIES, probedAt: 0 },
        retry,
        sendOptions: (partSignal) => ({
          signal: partSignal,
          onBytesSent: deps.onProgress,
          beforeChunk: (bytes) => deps.share.throttle(bytes, partSignal),
          chunkBytes: deps.share.chunkBytes,
        }),
      },
      folder,
      inner.signal,
    ).catch((error: unknown) => {
      inner.abort(error);
      throw error;
    });
    let walked: WalkReport;
    try {
      [walked] = await Promise.all([walking, sending]);
    } finally {
      signal.removeEventListener('abort', stop);
      // Both are over before the run is: nothing keeps writing after it returns.
      await Promise.allSettled([walking, sending]);
    }
    result.walk = walked;
    result.totals = folders.folderTotals(folder.id);
    // Files gone from the folder since it was walked are named, not waited for: the folder is complete without them.
    const { failed, changed, pending, sending: inFlight, differs } = result.totals;
    if (changed.files > 0) {
      result.outcome = 'conflict';
      result.error = `${changed.files} file(s) changed after the folder upload started`;
    } else if (failed.files > 0 || pending.files + inFlight.files > 0) {
      result.error = `${failed.files + pending.files + inFlight.files} file(s) not uploaded`;
    } else if (differs.files > 0) {
      result.outcome = 'asking';
      result.error = `${differs.files} file(s) differ from the objects already at their keys and wait for a choice: nothing was overwritten`;
    } else {
      result.outcome = 'completed';
    }
    const ended = result.outcome === 'completed' || result.outcome === 'asking' ? result.outcome : 'failed';
    folders.setFolderState(folder.id, ended, result.error);
  } catch (error) {
    result.totals = folders.folderTotals(folder.id);
    if (isStopped(error) || signal.aborted) {
      result.outcome = 'stopped';
      folders.setFolderState(folder.id, 'paused');
    } else {
      result.error = describeError(error);
      folders.setFolderState(folder.id, 'failed', result.error);
    }
  }
  return result;
}

/** The walk tells the sender when it has recorded more files, and when it is over. */
class WalkSignal {
  ended = false;
  private waiters: Array<() => void> = [];

  batch(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  end(): void {
    this.ended = true;
    this.batch();
  }

  next(): Promise<void> {
    return this.ended ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}
