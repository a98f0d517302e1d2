import type { FolderLister } from '../ports/folder-lister.ts';
import type { FolderFileUpdate, FolderRecord, FolderStore, NewFolderFile } from '../ports/folder-store.ts';

export interface WalkReport {
  /** Files found that were not recorded before, on a walk after a complete one: added to the folder since it started. */
  added: string[];
  /** Files already sent whose size, mtime or identity differ now. */
  changedAfterSending: string[];
}

/**
 * Walks the folder into the state database, a batch (one transaction) at a
 * time, calling `onBatch` after each so sending can start at once. A walk
 * after an earlier one (a resume) compares: a file not sent yet whose stat
 * changed is simply recorded as it is now (it is read whole when sent, never
 * mixed); one already sent that changed is reported, and follows the
 * on-change choice: 'fail' marks it changed, otherwise it is sent again.
 */
export async function walkIntoStore(
  deps: { lister: FolderLister; folders: FolderStore; onBatch: () => void },
  folder: FolderRecord,
  options: { resendChanged: boolean; signal: AbortSignal },
): Promise<WalkReport> {
  const report: WalkReport = { added: [], changedAfterSending: [] };
  const rewalk = folder.walkedAt !== null;
  for await (const batch of deps.lister.walk(folder.path, { prefix: folder.prefix, signal: options.signal })) {
    const fresh: NewFolderFile[] = batch.problems.map((problem) => ({ relPath: problem.relPath, size: 0, mtimeNs: '0', fileId: '', state: 'problem', message: problem.message }));
    const updates: FolderFileUpdate[] = [];
    const recorded = deps.folders.getFolderFiles(folder.id, batch.files.map((file) => file.relPath));
    for (const file of batch.files) {
      const known = recorded.get(file.relPath);
      // New, or back (once a problem, or gone): to send as it is now.
      if (!known || known.state === 'problem' || known.state === 'removed') {
        fresh.push({ relPath: file.relPath, size: file.size, mtimeNs: file.mtimeNs, fileId: file.fileId, state: 'pending' });
        if (known) updates.push({ relPath: file.relPath, state: 'pending', size: file.size, mtimeNs: file.mtimeNs, fileId: file.fileId });
        else if (rewalk) report.added.push(file.relPath);
        continue;
      }
      // Waiting for the user's choice about the object at its key, or settled by it: the choice stands whatever the file does.
      if (known.state === 'differs' || known.state === 'kept') continue;
      const same = known.size === file.size && known.mtimeNs === file.mtimeNs && known.fileId === file.fileId;
      if (same || known.uploadRecordId !== null) continue; // a file sent in parts checks itself (its upload's source check)
      const stat = { size: file.size, mtimeNs: file.mtimeNs, fileId: file.fileId };
      if (known.state === 'done' || known.state === 'there') {
        report.changedAfterSending.push(file.relPath);
        const message = `${file.relPath} changed after it was sent (size ${known.size} → ${file.size})`;
        updates.push(options.resendChanged ? { relPath: file.relPath, state: 'pending', ...stat, message } : { relPath: file.relPath, state: 'changed', message });
      } else if (known.state !== 'changed') {
        updates.push({ relPath: file.relPath, state: known.state === 'sending' ? 'sending' : 'pending', ...stat });
      }
    }
    deps.folders.addFolderFiles(folder.id, fresh);
    deps.folders.updateFolderFiles(folder.id, updates);
    deps.onBatch();
  }
  deps.folders.markFolderWalked(folder.id);
  deps.onBatch();
  return report;
}
