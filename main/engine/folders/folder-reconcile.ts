import { unquoteEtag } from '../../../shared/domain/etag.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { FolderFileUpdate, FolderRecord, FolderStore } from '../ports/folder-store.ts';
import type { ListingCursor } from './listing-cursor.ts';
import { md5Of } from '../sending/part-digest.ts';
import { joinPath } from './folder-send.ts';
import { readWhole } from './small-file.ts';

/**
 * Small files a killed run left recorded as sending: each may have reached
 * the server or not. The listing taken at the start of this run tells: an
 * object at the file's key with the file's size whose ETag is the MD5 of the
 * file as it is now (unchanged since recorded) was sent, so it is done; any
 * other goes back to pending and is sent again, once. Big files (with an
 * upload of their own) go back to pending too: their upload continues, and
 * reconciles its parts with the server when it runs.
 */
export async function reconcileInterrupted(
  deps: { folders: FolderStore; source: ByteSource },
  folder: FolderRecord,
  existing: ListingCursor,
): Promise<{ confirmed: number; resent: number }> {
  let confirmed = 0;
  let resent = 0;
  for (let after: string | null = null; ; ) {
    const page = deps.folders.listFolderFiles(folder.id, ['sending'], after, 256);
    if (page.length === 0) break;
    after = page[page.length - 1]?.relPath ?? after;
    const updates: FolderFileUpdate[] = [];
    for (const file of page) {
      // A big file continues its own upload, which reconciles itself part by part (ListParts).
      if (file.uploadRecordId !== null) {
        updates.push({ relPath: file.relPath, state: 'pending' });
        continue;
      }
      const there = await existing.find(folder.prefix + file.relPath);
      const md5 = there && there.size === file.size ? await md5IfUnchanged(deps.source, joinPath(folder.path, file.relPath), file) : undefined;
      if (there && md5 !== undefined && unquoteEtag(there.etag) === md5) {
        updates.push({ relPath: file.relPath, state: 'done', md5, etag: there.etag, message: null });
        confirmed += 1;
      } else {
        updates.push({ relPath: file.relPath, state: 'pending' });
        resent += 1;
      }
    }
    deps.folders.updateFolderFiles(folder.id, updates);
  }
  return { confirmed, resent };
}

async function md5IfUnchanged(source: ByteSource, path: string, file: { size: number; mtimeNs: string; fileId: string }): Promise<string | undefined> {
  try {
    // Read only if it is no longer than recorded, and compared by the stat of the very open it was read through.
    const { stat, bytes } = await readWhole(source, path, file.size + 1);
    if (!bytes || stat.size !== file.size || stat.mtimeNs !== file.mtimeNs || stat.fileId !== file.fileId) return undefined;
    return md5Of(bytes).toString('hex');
  } catch {
    // Gone or unreadable: it goes back to pending, and sending it says what is wrong.
    return undefined;
  }
}
