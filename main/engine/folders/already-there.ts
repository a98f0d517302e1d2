import type { FolderFileRecord, FolderFileUpdate, FolderRecord } from '../ports/folder-store.ts';
import type { RemoteObject } from '../ports/object-store.ts';
import { differsUpdate, mayReplace } from './differing-files.ts';
import { identicalObjectStat } from './identical-object.ts';
import type { ListingCursor } from './listing-cursor.ts';
import type { SmallFileDeps } from './small-file.ts';

export type AlreadyThereDeps = Pick<SmallFileDeps, 'source' | 'objects' | 'retry'>;

/**
 * What an object already at the file's key means for it, before it is sent:
 * the same bytes make the file 'there' (not sent); different ones fail it
 * under if-exists 'fail', and under 'ask' leave it 'differs' for the user to
 * decide, unless the object is one Hoist may replace (see mayReplace).
 * Undefined: send it.
 */
export async function alreadyThere(
  deps: AlreadyThereDeps,
  folder: FolderRecord,
  file: FolderFileRecord,
  existing: ListingCursor,
  key: string,
  path: string,
): Promise<FolderFileUpdate | undefined> {
  if (folder.ifExists === 'overwrite') return undefined;
  const there = await objectAt(deps, folder, file, existing, key);
  if (!there) return undefined;
  const same = await identicalObjectStat(deps.source, path, there, folder.partSize);
  if (same) return { relPath: file.relPath, state: 'there', etag: there.etag, message: null, size: same.size, mtimeNs: same.mtimeNs, fileId: same.fileId };
  if (folder.ifExists === 'fail') return { relPath: file.relPath, state: 'failed', message: `s3://${folder.bucket}/${key} already holds different content (--if-exists fail)` };
  if (folder.ifExists === 'ask' && !mayReplace(file, there)) return differsUpdate(folder, file, there, (await deps.source.stat(path)).size);
  return undefined;
}

/**
 * The object at the key. The listing read at the start of the run is enough
 * for most files; one the user agreed to overwrite is asked about just before
 * it is sent (HeadObject), so an object replaced since the user saw it is not
 * overwritten on the strength of an older listing.
 */
async function objectAt(deps: AlreadyThereDeps, folder: FolderRecord, file: FolderFileRecord, existing: ListingCursor, key: string): Promise<RemoteObject | undefined> {
  if (folder.ifExists !== 'ask' || file.agreedEtag === null) return existing.find(key);
  const head = await deps.retry(() => deps.objects.headObject({ bucket: folder.bucket, key }), 'HeadObject');
  return head ? { key, size: head.size, etag: head.etag } : undefined;
}
