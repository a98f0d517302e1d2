import type { FolderFileViewState, FolderView, FolderViewState } from '../../shared/ipc-contract.ts';
import type { RetryWait } from '../engine/sending/retry-watch.ts';
import type { FolderFileState, FolderRecord, FolderState, FolderTotals } from '../engine/ports/folder-store.ts';

/*
 * A folder upload as the queue shows it (the contract's FolderView), built
 * from the engine's record and totals and the live figures the app keeps
 * while the folder runs (folder-live.ts).
 */

// The contract's states are the engine's, spelled out again because shared/ cannot import the engine: these say they agree.
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type Assert<T extends true> = T;
type _FolderStatesAgree = Assert<Same<FolderState, FolderViewState>>;
type _FileStatesAgree = Assert<Same<FolderFileState, FolderFileViewState>>;

/** What the app measures of a running folder, beyond its record. */
export interface FolderLive {
  running: boolean;
  /** Acknowledged bytes of big files still on their way. */
  bytesInFlight: number;
  bytesSent: number;
  speed: number;
  /** The wait before the folder's next attempt at a failed request, if any. */
  retrying?: RetryWait | undefined;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export function buildFolderView(folder: FolderRecord, totals: FolderTotals, live: FolderLive): FolderView {
  const walking = folder.walkedAt === null;
  // What is left of this run: files to send and those on their way, less what the server already has of them.
  const left = Math.max(0, totals.pending.bytes + totals.sending.bytes - live.bytesInFlight);
  const speed = live.running ? live.speed : 0;
  return {
    id: folder.id,
    path: folder.path,
    bucket: folder.bucket,
    prefix: folder.prefix,
    endpoint: folder.endpoint ?? null,
    region: folder.region,
    targetId: folder.targetId,
    state: folder.state,
    totals,
    walking,
    running: live.running,
    startedAt: new Date(folder.startedAt).toISOString(),
    updatedAt: new Date(folder.updatedAt).toISOString(),
    walkedAt: iso(folder.walkedAt),
    completedAt: iso(folder.completedAt),
    lastError: folder.lastError,
    differing: totals.differs.files,
    bytesInFlight: live.bytesInFlight,
    bytesSent: live.bytesSent,
    speed,
    etaSeconds: folder.state === 'completed' ? 0 : !walking && speed > 0 ? left / speed : null,
    retrying: live.retrying ? { at: new Date(live.retrying.atMs).toISOString(), cause: live.retrying.cause, attempt: live.retrying.attempt, of: live.retrying.of } : null,
  };
}

/** How long a window of progress the speed is measured over. */
const SPEED_WINDOW_MS = 5_000;

interface LiveFile {
  folderId: string;
  relPath: string;
  bytesDone: number;
}

/**
 * The live figures of running folders. A folder's big files are uploads of
 * the engine, whose progress events say how far each one is; they count in
 * the folder's totals only once done, so until then their acknowledged bytes
 * are added here. The speed is the growth of bytes sent and acknowledged
 * (files done plus big files' progress) over the last few seconds.
 */
export class FolderLiveFigures {
  private readonly files = new Map<string, LiveFile>();
  private readonly samples = new Map<string, Array<{ at: number; bytes: number }>>();

  /** A big file's upload moved (or finished): the engine's progress for it. */
  fileProgress(uploadId: string, folderId: string, relPath: string, bytesDone: number): void {
    this.files.set(uploadId, { folderId, relPath, bytesDone });
  }

  /** Acknowledged bytes of the folder's big files still recorded as on their way; the others are dropped (the totals have them). */
  inFlight(folderId: string, stillSending: (relPath: string) => boolean): number {
    let bytes = 0;
    for (const [uploadId, file] of this.files) {
      if (file.folderId !== folderId) continue;
      if (stillSending(file.relPath)) bytes += file.bytesDone;
      else this.files.delete(uploadId);
    }
    return bytes;
  }

  /** Bytes per second over the window, given the folder's bytes sent and acknowledged now. */
  speed(folderId: string, now: number, bytes: number): number {
    const samples = this.samples.get(folderId) ?? [];
    samples.push({ at: now, bytes });
    while (samples.length > 2 && now - (samples[0]?.at ?? now) > SPEED_WINDOW_MS) samples.shift();
    this.samples.set(folderId, samples);
    const first = samples[0];
    if (!first || now <= first.at) return 0;
    return Math.max(0, ((bytes - first.bytes) * 1000) / (now - first.at));
  }

  /** The folder stopped running (or is gone): its speed starts from nothing next time. */
  stopped(folderId: string): void {
    this.samples.delete(folderId);
  }

  forget(folderId: string): void {
    this.stopped(folderId);
    for (const [uploadId, file] of this.files) if (file.folderId === folderId) this.files.delete(uploadId);
  }
}
