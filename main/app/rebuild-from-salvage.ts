import { formatS3Url } from '../../shared/domain/s3-url.ts';
import { describeError } from '../engine/errors.ts';
import type { UploadRecord } from '../engine/ports/records.ts';
import type { UploadEngine } from '../engine/upload-engine.ts';
import type { SalvagedUpload } from '../store/salvage-state.ts';

export interface RebuildReport {
  rebuilt: Array<{ upload: SalvagedUpload; record: UploadRecord; partsVerified: number }>;
  notRebuilt: Array<{ upload: SalvagedUpload; reason: string }>;
  /** Finished uploads: only their history is gone, nothing to rebuild. */
  finished: number;
  /**
   * Uploads of a folder's big files whose folder was rebuilt (see
   * rebuild-folders.ts): left to the folder, whose next run finds them in the
   * server's listing of unfinished uploads and adopts them.
   */
  withFolder: number;
  /** Of those, the ones that held no part on the server: aborted, since no run could adopt them. */
  withFolderAborted: number;
}

const FINISHED = new Set(['completed', 'cancelled']);

/**
 * After a damaged state database was replaced by a new one: every unfinished
 * upload read from the old one whose file is still here is adopted again from
 * the server (engine.adoptFromServer: each server part counts only when its
 * size and MD5 match the local bytes), so resume continues it. Never throws;
 * what could not be rebuilt is reported with the reason.
 *
 * `withFolders`: the salvaged ids of the folders rebuilt. Their big files'
 * uploads are not adopted here: adopted alone they would be uploads of their
 * own, detached from the folder that sends them again. Those of a folder not
 * rebuilt are adopted alone, so that their parts are not lost.
 */
export async function rebuildFromSalvage(engine: UploadEngine, uploads: readonly SalvagedUpload[], withFolders: ReadonlySet<string> = new Set()): Promise<RebuildReport> {
  const report: RebuildReport = { rebuilt: [], notRebuilt: [], finished: 0, withFolder: 0, withFolderAborted: 0 };
  for (const upload of uploads) {
    if (upload.state !== null && FINISHED.has(upload.state)) {
      report.finished += 1;
      continue;
    }
    if (upload.folderId !== null && withFolders.has(upload.folderId)) {
      report.withFolder += 1;
      if (await abortedEmpty(engine, upload)) report.withFolderAborted += 1;
      continue;
    }
    const reason = await rebuildOne(engine, upload, report);
    if (reason !== undefined) report.notRebuilt.push({ upload, reason });
  }
  return report;
}

/** Returns why the upload was not rebuilt, or undefined when it was. */
async function rebuildOne(engine: UploadEngine, upload: SalvagedUpload, report: RebuildReport): Promise<string | undefined> {
  if (upload.sourceKind === 'archive') return 'a folder sent as one archive cannot be checked against the server part by part: upload the folder again';
  if (upload.uploadId === null) return 'it had not reached the server yet: upload the file again';
  try {
    await engine.sourceFor('file').stat(upload.path);
  } catch (error) {
    return `the file is not there (${describeError(error)}); its parts stay on the server (see orphans)`;
  }
  try {
    const request = {
      path: upload.path,
      location: { bucket: upload.bucket, key: upload.key },
      target: { endpoint: upload.endpoint, region: upload.region, pathStyle: upload.pathStyle },
      ...(upload.targetId ? { targetId: upload.targetId } : {}),
    };
    const outcome = await engine.adoptFromServer(request, upload.uploadId);
    if ('reason' in outcome) return outcome.reason;
    report.rebuilt.push({ upload, record: outcome.record, partsVerified: outcome.partsVerified });
    return undefined;
  } catch (error) {
    return `the server could not be asked (${describeError(error)}); its parts stay there (see orphans, adopt)`;
  }
}

/**
 * A rebuilt folder's big file whose multipart upload holds no part (the
 * process died between creating it and finishing its first part) cannot be
 * adopted: nothing on it can be verified against the file. The folder's run
 * would start another one and leave this one on the server, listed among the
 * orphans until a lifecycle rule or a person removes it; it is aborted now,
 * losing nothing. One that holds parts is left to the folder, which adopts it
 * when they match the file.
 */
async function abortedEmpty(engine: UploadEngine, upload: SalvagedUpload): Promise<boolean> {
  if (upload.uploadId === null) return false;
  const location = { bucket: upload.bucket, key: upload.key };
  try {
    const objects = engine.objectStoreFor({ endpoint: upload.endpoint, region: upload.region, pathStyle: upload.pathStyle, targetId: upload.targetId });
    if ((await objects.listParts(location, upload.uploadId)).length > 0) return false;
    await objects.abortMultipartUpload(location, upload.uploadId);
    return true;
  } catch {
    // Gone already, or the server cannot be asked now: nothing to abort, or it stays for `orphans` to list.
    return false;
  }
}

/** One line per upload rebuilt or not (`ok`: rebuilt, or nothing was lost), for a log or a notice. */
export function describeRebuild(report: RebuildReport): Array<{ ok: boolean; text: string }> {
  const lines = report.rebuilt.map(({ upload, record, partsVerified }) => ({
    ok: true,
    text: `rebuilt upload ${record.id} of ${upload.path} to ${formatS3Url(upload)} from the server (${partsVerified} parts verified against the file); resume continues it`,
  }));
  for (const { upload, reason } of report.notRebuilt) lines.push({ ok: false, text: `not rebuilt: ${upload.path} to ${formatS3Url(upload)}: ${reason}` });
  const { finished, withFolder, withFolderAborted: aborted } = report;
  const adopting = withFolder - aborted;
  if (adopting > 0) {
    const text =
      adopting === 1
        ? '1 unfinished upload of a big file in a folder: rebuilt with its folder, whose next run adopts it from the server'
        : `${adopting} unfinished uploads of big files in folders: rebuilt with their folders, whose next runs adopt them from the server`;
    lines.push({ ok: true, text });
  }
  if (aborted > 0) {
    const text =
      aborted === 1
        ? '1 unfinished upload of a big file in a folder had no part on the server: aborted (nothing was lost); its rebuilt folder sends the file'
        : `${aborted} unfinished uploads of big files in folders had no part on the server: aborted (nothing was lost); their rebuilt folders send the files`;
    lines.push({ ok: true, text });
  }
  if (finished > 0) lines.push({ ok: true, text: `${finished} finished upload${finished === 1 ? ': only its' : 's: only their'} history was lost` });
  return lines;
}
