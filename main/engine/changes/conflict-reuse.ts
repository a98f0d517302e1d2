import { planParts } from '../../../shared/domain/part-plan.ts';
import { readNewSource, restartWithNewSource } from './conflict-restart.ts';
import { digestMatches, digestPart } from '../sending/part-digest.ts';
import type { RestartDeps } from './conflict-restart.ts';
import type { PlannedReuse, UploadRecord } from '../ports/records.ts';
import { assertSourceUnchanged } from './source-check.ts';

export function reusedMessage(kept: number): string {
  return `the source changed; kept ${kept} ${kept === 1 ? 'part' : 'parts'} that still match, re-sending the rest`;
}

/**
 * The user chose to keep what still matches of a changed source (a log that
 * grew, a file edited near its end). The new version is cut with the recorded
 * part size; a part recorded done is kept only when the new plan has the very
 * same range under the same part number and its bytes, read again from the new
 * file, have the digests recorded when it was sent: what the server holds for it is
 * then exactly the new file's bytes. Everything else is sent again (the grown
 * region is new parts). The multipart upload stays, so kept parts are not paid
 * for twice; ListParts on the next run still checks the server has them.
 *
 * Where nothing can be kept from a multipart upload (none yet, a single
 * PutObject before or after, a part size that had to grow), this is a restart.
 */
export async function reuseUnchangedParts(deps: RestartDeps, upload: UploadRecord): Promise<UploadRecord> {
  const { store, source } = deps;
  const facts = await readNewSource(store, source, upload);
  if (!upload.uploadId || upload.singlePut || facts.singlePut || facts.partSize !== upload.partSize) {
    return restartWithNewSource(deps, upload, facts);
  }
  const recorded = new Map(store.listParts(upload.id).map((part) => [part.partNumber, part]));
  const plan: PlannedReuse[] = [];
  const reader = await source.open(upload.path);
  try {
    for (const part of planParts(facts.size, facts.partSize)) {
      const old = recorded.get(part.partNumber);
      let kept: PlannedReuse['kept'] = null;
      if (old && old.state === 'done' && old.etag && old.md5 && old.offset === part.offset && old.size === part.size) {
        const digest = digestPart(await reader.read(part.offset, part.size));
        if (digestMatches(old, digest)) kept = { etag: old.etag, md5: digest.md5Hex, checksum: digest.checksum };
      }
      plan.push({ ...part, kept });
    }
  } finally {
    await reader.close();
  }
  // Read while it was being written again: what was compared may be neither version. It stays a conflict.
  await assertSourceUnchanged(source, { ...upload, ...facts });
  const keptCount = plan.filter((part) => part.kept).length;
  store.reuseSource(upload.id, facts, plan);
  store.recordEvent({ uploadRecordId: upload.id, kind: 'restarted', message: reusedMessage(keptCount) });
  const updated = store.getUpload(upload.id);
  if (!updated) throw new Error(`upload ${upload.id} was removed while reusing its parts`);
  return updated;
}
