import type { RunResult, UploadEngine } from '../engine/upload-engine.ts';
import type { StateStore } from '../engine/ports/state-store.ts';
import type { OnChange } from './cli-args.ts';

/**
 * Runs one upload; when it stops because its file changed and the user said
 * beforehand what to do then (`--on-change restart|reuse`), settles the
 * conflict that way and runs it once more. A file still changing on the second
 * run stays a conflict: no loop chasing a file being written.
 */
export async function runWithChoice(engine: UploadEngine, id: string, onChange: OnChange, inConflict = false): Promise<RunResult> {
  if (onChange === 'fail') return engine.run(id);
  const first = inConflict ? undefined : await engine.run(id);
  if (first && first.outcome !== 'conflict') return first;
  try {
    await engine.resolveConflict(id, onChange);
  } catch (error) {
    // A file gone or unreadable is now a plain failure; one still being written stays a conflict.
    const outcome = engine.snapshot([id])[0]?.state === 'conflict' ? 'conflict' : 'failed';
    return { id, bytesSent: 0, partsSkipped: 0, restarted: false, ...first, outcome, error: (error as Error).message };
  }
  const second = await engine.run(id);
  // Bytes a first run sent before it noticed the change (a part that read differently) were sent too.
  return { ...second, bytesSent: second.bytesSent + (first?.bytesSent ?? 0), restarted: second.restarted || (first?.restarted ?? false) };
}

/**
 * `resume`: every unfinished upload. With `--on-change restart|reuse`, those
 * an earlier run left in conflict are settled and run as well; with `fail`
 * they are left as they are but reported as conflicts still (exit 3), so a
 * script is not told all is well while an upload waits for a decision.
 */
export async function resumeWithChoice(engine: UploadEngine, store: StateStore, onChange: OnChange): Promise<RunResult[]> {
  // A folder's files are run by their folder (see main/engine/folders/).
  const unfinished = store.listUnfinished().filter((upload) => upload.folderId === null);
  if (onChange !== 'fail') return Promise.all(unfinished.map((upload) => runWithChoice(engine, upload.id, onChange, upload.conflict !== null)));
  const waiting = unfinished
    .filter((upload) => upload.conflict !== null)
    .map((upload): RunResult => ({ id: upload.id, outcome: 'conflict', error: upload.conflict, bytesSent: 0, partsSkipped: 0, restarted: false }));
  return [...waiting, ...(await engine.resumeAll({ includePaused: true }))];
}
