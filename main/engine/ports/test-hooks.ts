/**
 * Named points in an upload's life where the crash tests stop the process for
 * real, or hold it while they change the file or the server. The engine only
 * names the points; what happens there is the host's (see
 * main/platform/env-test-hooks.ts, driven by HOIST_CRASH_AT and HOIST_HOLD_AT).
 */
export type CrashPoint =
  | 'upload-created'
  | 'upload-id-recorded'
  | 'part-started'
  | 'part-uploaded'
  | 'part-recorded'
  | 'before-complete'
  | 'after-complete'
  | 'before-rollover'
  | 'rollover-completed'
  /** A page of a folder's files was recorded as sending; none of them has gone out yet. */
  | 'folder-page-begun'
  /** A batch of a folder's acknowledged files was committed as done. */
  | 'folder-files-done';

export interface TestHooks {
  /** May end the process on the spot (SIGKILL: no cleanup, like a power cut). */
  crash(point: CrashPoint): void;
  /** May wait, for a test to act at a known moment. */
  hold(point: CrashPoint): Promise<void>;
}
