import { formatS3Url } from '../../shared/domain/s3-url.ts';
import { describeError, SourceError } from '../engine/errors.ts';
import type { FolderUploads } from '../engine/folders/folder-uploads.ts';
import type { FolderRecord, IfExists } from '../engine/ports/folder-store.ts';
import type { SalvagedFolder } from '../store/salvage-state.ts';

export interface FolderRebuildReport {
  /** `continued`: the same folder to the same place was already recorded again (read twice from the damaged database). */
  rebuilt: Array<{ folder: SalvagedFolder; record: FolderRecord; continued: boolean }>;
  notRebuilt: Array<{ folder: SalvagedFolder; reason: string }>;
  /** Finished folders: only their history is gone, nothing to rebuild. */
  finished: number;
}

const FINISHED = new Set(['completed', 'cancelled']);

/**
 * After a damaged state database was replaced by a new one: every unfinished
 * folder (sent as one object per file) read from the old one whose folder is
 * still readable is recorded again, to the same place with the same part
 * size and policy. Its files are not taken from the old database: the
 * folder's next run walks it again and lists the server once, skips every
 * file whose object is already there with the file's bytes, and adopts the
 * unfinished multipart uploads of its big files that the listing shows, so
 * what was sent before is not sent again. Never throws; what could not be
 * rebuilt is reported with the reason.
 */
export async function rebuildFolders(folders: Pick<FolderUploads, 'addFolder'>, salvaged: readonly SalvagedFolder[]): Promise<FolderRebuildReport> {
  const report: FolderRebuildReport = { rebuilt: [], notRebuilt: [], finished: 0 };
  for (const folder of salvaged) {
    if (folder.state !== null && FINISHED.has(folder.state)) {
      report.finished += 1;
      continue;
    }
    try {
      const { folder: record, continued } = await folders.addFolder({
        path: folder.path,
        bucket: folder.bucket,
        prefix: folder.prefix,
        target: { endpoint: folder.endpoint, region: folder.region, pathStyle: folder.pathStyle },
        ...(folder.targetId ? { targetId: folder.targetId } : {}),
        partSize: folder.partSize,
        ifExists: policyAfterLoss(folder.ifExists),
      });
      report.rebuilt.push({ folder, record, continued });
    } catch (error) {
      report.notRebuilt.push({ folder, reason: whyNot(error) });
    }
  }
  return report;
}

/**
 * 'overwrite' sends a file even when its key already holds the file's bytes.
 * With the database lost, the objects with a file's bytes under the prefix
 * are this folder's own uploads from before the loss: overwriting them would
 * send the whole folder again, so identical objects are skipped. Objects that
 * differ are still overwritten, as the user asked.
 */
function policyAfterLoss(ifExists: IfExists): IfExists {
  return ifExists === 'overwrite' ? 'skip-identical' : ifExists;
}

function whyNot(error: unknown): string {
  const kept = 'the objects already sent stay on the server';
  if (error instanceof SourceError && error.code === 'missing') return `the folder is not there (${describeError(error)}); ${kept}`;
  if (error instanceof SourceError && error.code === 'not-a-file') return `it is no longer a folder (${describeError(error)}); ${kept}`;
  if (error instanceof SourceError) {
    return `the folder cannot be read (${describeError(error)}); ${kept}: upload the folder again once it can be read, and they are not sent again`;
  }
  return `it could not be recorded again (${describeError(error)}); ${kept}`;
}

/** The salvaged ids of the folders recorded again: their big files' uploads are left to them (see rebuildFromSalvage). */
export function rebuiltFolderIds(report: FolderRebuildReport): Set<string> {
  return new Set(report.rebuilt.flatMap(({ folder }) => (folder.id === null ? [] : [folder.id])));
}

/** One line per folder rebuilt or not (`ok`: rebuilt, or nothing was lost), for a log or a notice, as describeRebuild says it for uploads. */
export function describeFolderRebuild(report: FolderRebuildReport): Array<{ ok: boolean; text: string }> {
  const lines: Array<{ ok: boolean; text: string }> = [];
  for (const { folder, record, continued } of report.rebuilt) {
    // Read twice, recorded once: the first line said it.
    if (continued) continue;
    const policy = folder.ifExists === 'overwrite' ? '; objects already there with the same bytes are skipped, not overwritten' : '';
    lines.push({
      ok: true,
      text: `rebuilt folder ${record.id} of ${folder.path} to ${place(folder)}: its files are checked against the server's listing and only those not there are sent${policy}; resume continues it`,
    });
  }
  for (const { folder, reason } of report.notRebuilt) lines.push({ ok: false, text: `not rebuilt: folder ${folder.path} to ${place(folder)}: ${reason}` });
  const { finished } = report;
  if (finished > 0) lines.push({ ok: true, text: `${finished} finished folder${finished === 1 ? ': only its' : 's: only their'} history was lost` });
  return lines;
}

function place(folder: SalvagedFolder): string {
  return formatS3Url({ bucket: folder.bucket, key: folder.prefix });
}
