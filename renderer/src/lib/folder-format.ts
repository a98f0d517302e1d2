// Display helpers for folder rows: one line of figures from a folder's totals.
import type { FolderFileViewState, FolderTotalsView, FolderView, RetryingView } from '../../../shared/ipc-contract.ts';

/** What a folder row shows as its state; asking: files whose keys hold different objects wait for the user's choice. */
export type FolderDisplayState = 'walking' | 'uploading' | 'waiting' | 'paused' | 'completed' | 'failed' | 'cancelled' | 'asking';

export interface FolderFigures {
  /** Files sent or already there, of all the folder's files that can be sent. */
  filesDone: number;
  filesTotal: number;
  /** Bytes sent or already there (with big files' acknowledged parts), of the sendable bytes. */
  bytesDone: number;
  bytesTotal: number;
  /** Files not sent: failed, changed, gone, or never sendable (links, special files, bad names). */
  notSent: number;
  /** Files whose bytes were already at their key. */
  there: number;
  /** Files changed since the folder was recorded: sending them again is the user's choice. */
  changed: number;
  /** Files not sent because their keys hold different objects: overwriting them is the user's choice. */
  differing: number;
  /** Files whose different object on the server the user kept: settled, not sent. */
  kept: number;
  state: FolderDisplayState;
}

const ALL = ['pending', 'sending', 'done', 'there', 'failed', 'changed', 'removed', 'problem', 'differs', 'kept'] as const;

function sum(totals: FolderTotalsView, what: 'files' | 'bytes', states: readonly FolderFileViewState[]): number {
  return states.reduce((total, state) => total + totals[state][what], 0);
}

const SENDABLE = ALL.filter((state) => state !== 'problem');
// Kept files are settled (the user kept the server's object), so they count as finished; their badge tells them apart.
const FINISHED: readonly FolderFileViewState[] = ['done', 'there', 'kept'];
const NOT_SENT: readonly FolderFileViewState[] = ['failed', 'changed', 'removed', 'problem'];

export function folderFigures(folder: FolderView): FolderFigures {
  const { totals } = folder;
  const bytesTotal = sum(totals, 'bytes', SENDABLE);
  return {
    filesDone: sum(totals, 'files', FINISHED),
    filesTotal: sum(totals, 'files', SENDABLE),
    bytesDone: Math.min(bytesTotal, sum(totals, 'bytes', FINISHED) + folder.bytesInFlight),
    bytesTotal,
    notSent: sum(totals, 'files', NOT_SENT),
    there: totals.there.files,
    changed: totals.changed.files,
    differing: folder.differing,
    kept: totals.kept.files,
    state: folderDisplayState(folder),
  };
}

/** Running: walking or uploading; a walking or sending folder no run has picked up yet waits (the app starts it). */
export function folderDisplayState(folder: FolderView): FolderDisplayState {
  if (folder.running) return folder.walking ? 'walking' : 'uploading';
  if (folder.state === 'walking' || folder.state === 'sending') return 'waiting';
  return folder.state;
}

const STATE_LABELS: Record<FolderDisplayState, string> = {
  walking: 'Walking…',
  uploading: 'Uploading',
  waiting: 'Waiting',
  paused: 'Paused',
  completed: 'Completed',
  failed: 'Failed',
  cancelled: 'Cancelled',
  asking: 'Your choice',
};

/** The wait of a running folder before it tries a failed request again ("Retrying in 12 s: …"), if any. */
export function folderRetryOf(folder: Pick<FolderView, 'running' | 'retrying'>): RetryingView | undefined {
  return folder.running && folder.retrying ? folder.retrying : undefined;
}

export function folderStateLabel(state: FolderDisplayState): string {
  return STATE_LABELS[state];
}

const FILE_LABELS: Record<FolderFileViewState, string> = {
  pending: 'Waiting',
  sending: 'Sending',
  done: 'Sent',
  there: 'Already there',
  failed: 'Failed',
  changed: 'Changed',
  removed: 'Gone',
  problem: 'Not sent',
  differs: 'Differs',
  kept: "Server's kept",
};

export function fileStateLabel(state: FolderFileViewState): string {
  return FILE_LABELS[state];
}

const counts = new Intl.NumberFormat('en-US');

/** "1,234". */
export function formatCount(count: number): string {
  return counts.format(count);
}

/** The display state, toned like an upload's state (colours, progress bar). */
export function folderTone(state: FolderDisplayState): string {
  if (state === 'walking') return 'uploading';
  if (state === 'waiting') return 'queued';
  if (state === 'asking') return 'conflict';
  return state;
}
