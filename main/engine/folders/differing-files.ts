import { unquoteEtag } from '../../../shared/domain/etag.ts';
import { formatBytes } from '../../../shared/domain/units.ts';
import type { FolderFileRecord, FolderFileUpdate, FolderRecord, FolderStore } from '../ports/folder-store.ts';
import type { RemoteObject } from '../ports/object-store.ts';

/*
 * Files whose key already holds an object that is not the file's bytes, in a
 * folder sent with if-exists 'ask' (the app): they are not sent but recorded
 * as 'differs', with the ETag of the object found and what differs, until the
 * user chooses to overwrite them or to keep the server's objects.
 */

/** What the user chose for a folder's differing files. */
export type DifferingChoice = 'overwrite' | 'skip';

/**
 * Whether the object at the key may be replaced without asking: it is the one
 * the user agreed to overwrite, or the one this file itself left there (sent,
 * or found identical, before the file changed and was sent again). Any other
 * object the user has not seen, so it is never overwritten.
 */
export function mayReplace(file: Pick<FolderFileRecord, 'agreedEtag' | 'etag'>, there: Pick<RemoteObject, 'etag'>): boolean {
  const found = unquoteEtag(there.etag);
  if (file.agreedEtag !== null && unquoteEtag(file.agreedEtag) === found) return true;
  return file.etag !== null && found !== '' && unquoteEtag(file.etag) === found;
}

/** The file becomes 'differs': the object found is recorded, with what differs in words. */
export function differsUpdate(folder: FolderRecord, file: FolderFileRecord, there: RemoteObject, fileSize: number): FolderFileUpdate {
  const what =
    there.size === fileSize
      ? `the object already at its key is the same size (${formatBytes(fileSize)}), with different content`
      : `the object already at its key is ${formatBytes(there.size)}, the file ${formatBytes(fileSize)}`;
  // An agreement that no longer matches: the object was replaced after the user chose to overwrite it.
  const again = file.agreedEtag !== null ? 'replaced since you chose to overwrite it: ' : '';
  // What differs comes first, the key last: a list that cuts long lines still shows what matters.
  return { relPath: file.relPath, state: 'differs', etag: there.etag ?? '', agreedEtag: null, message: `${again}${what} (${keyUrl(folder, file)})` };
}

const keyUrl = (folder: FolderRecord, file: FolderFileRecord) => `s3://${folder.bucket}/${folder.prefix}${file.relPath}`;

const PAGE = 500;

/**
 * Applies the user's choice to every file of the folder that differs now:
 * 'overwrite' makes them pending again, each with the ETag of the object it
 * was shown as the one it may replace; 'skip' settles them as 'kept' (the
 * server's object stays). Main picks the files, never the caller. Returns how
 * many; the folder's next run sends the overwritten ones.
 */
export function settleDifferingFiles(store: FolderStore, folder: FolderRecord, choice: DifferingChoice): number {
  let settled = 0;
  // Each page leaves 'differs' as it is written, so the next page starts after the last path seen.
  for (let after: string | null = null; ; ) {
    const page = store.listFolderFiles(folder.id, ['differs'], after, PAGE);
    if (page.length === 0) return settled;
    after = page[page.length - 1]?.relPath ?? after;
    store.updateFolderFiles(
      folder.id,
      page.map((file) =>
        choice === 'overwrite'
          ? { relPath: file.relPath, state: 'pending', agreedEtag: file.etag ?? '', message: null }
          : { relPath: file.relPath, state: 'kept', message: `kept the object already at its key; the file was not sent (${keyUrl(folder, file)})` },
      ),
    );
    settled += page.length;
  }
}
