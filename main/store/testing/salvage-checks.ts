import type { Salvage } from '../salvage-state.ts';
import type { RecordedUpload } from './damaged-database.ts';

/**
 * What a salvage read that was never recorded: an upload id no one wrote, a
 * field changed, a row twice, a target that was never saved. A damaged value
 * may be lost, never changed, so for any damage this must be empty.
 */
export function wrongValues(salvage: Salvage, recorded: readonly RecordedUpload[]): string[] {
  const byId = new Map(recorded.map((upload) => [upload.id, upload]));
  const wrong: string[] = [];
  const seen = new Set<string | null>();
  for (const upload of salvage.uploads) {
    if (seen.has(upload.id)) wrong.push(`upload ${upload.id} read twice`);
    seen.add(upload.id);
    const original = byId.get(upload.id ?? '');
    if (!original) {
      wrong.push(`upload ${upload.id} was never recorded`);
      continue;
    }
    // A field read as null (or absent) was lost to the damage, which is allowed; any other value must be the one recorded.
    const read: Record<string, unknown> = { path: upload.path, bucket: upload.bucket, key: upload.key, uploadId: upload.uploadId, state: upload.state };
    const expected: Record<string, unknown> = { path: original.path, bucket: original.bucket, key: original.key, uploadId: original.uploadId, state: original.state };
    // Every recorded upload went to the same place (see writeStateDatabase).
    Object.assign(read, { endpoint: upload.endpoint, region: upload.region, pathStyle: upload.pathStyle, sourceKind: upload.sourceKind });
    Object.assign(expected, { endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', pathStyle: true, sourceKind: 'file' });
    for (const [field, value] of Object.entries(read)) {
      if (value !== null && value !== undefined && value !== expected[field]) wrong.push(`upload ${upload.id}: ${field} read ${JSON.stringify(value)}, recorded ${JSON.stringify(expected[field])}`);
    }
  }
  for (const target of salvage.targets) if (target.id !== 't1' && target.id !== 't2') wrong.push(`target ${target.id} was never saved`);
  return wrong;
}
