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
}

const FINISHED = new Set(['completed', 'cancelled']);

/**
 * After a damaged state database was replaced by a new one: every unfinished
 * upload read from the old one whose file is still here is adopted again from
 * the server (engine.adoptFromServer: each server part counts only when its
 * size and MD5 match the local bytes), so resume continues it. Never throws;
 * what could not be rebuilt is reported with the reason.
 */
export async function rebuildFromSalvage(engine: UploadEngine, uploads: readonly SalvagedUpload[]): Promise<RebuildReport> {
  const report: RebuildReport = { rebuilt: [], notRebuilt: [], finished: 0 };
  for (const upload of uploads) {
    if (upload.state !== null && FINISHED.has(upload.state)) {
      report.finished += 1;
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

/** One line per upload rebuilt or not (`ok`: rebuilt, or nothing was lost), for a log or a notice. */
export function describeRebuild(report: RebuildReport): Array<{ ok: boolean; text: string }> {
  const lines = report.rebuilt.map(({ upload, record, partsVerified }) => ({
    ok: true,
    text: `rebuilt upload ${record.id} of ${upload.path} to ${formatS3Url(upload)} from the server (${partsVerified} parts verified against the file); resume continues it`,
  }));
  for (const { upload, reason } of report.notRebuilt) lines.push({ ok: false, text: `not rebuilt: ${upload.path} to ${formatS3Url(upload)}: ${reason}` });
  const { finished } = report;
  if (finished > 0) lines.push({ ok: true, text: `${finished} finished upload${finished === 1 ? ': only its' : 's: only their'} history was lost` });
  return lines;
}
