import { basename } from 'node:path';
import type { EventName, EventPayload } from '../../shared/ipc-contract.ts';
import type { FolderResult } from '../engine/folders/folder-uploads.ts';
import type { FolderRecord } from '../engine/ports/folder-store.ts';

export interface FolderEndDeps {
  emit: <E extends EventName>(name: E, payload: EventPayload<E>) => void;
  notify: (title: string, body: string) => void;
}

/** How a folder's run ended, told the user: a notice in the window and a desktop notification. A stopped run says nothing. */
export function announceFolderEnd(result: FolderResult, folder: FolderRecord, deps: FolderEndDeps): void {
  if (result.outcome === 'stopped') return;
  const name = basename(folder.path);
  const where = `s3://${folder.bucket}/${folder.prefix}`;
  const { done, there, problem, removed, kept } = result.totals;
  if (result.outcome === 'completed') {
    const keptText = kept.files > 0 ? `, ${kept.files} kept as the server had them` : '';
    deps.notify('Folder uploaded', `${name}: ${done.files} file(s) sent, ${there.files} already there${keptText}, in ${where}`);
    const notSent = problem.files + removed.files;
    if (notSent > 0) {
      const message = `${name}: uploaded, but ${notSent} entr${notSent === 1 ? 'y was' : 'ies were'} not sent (links, special files, unreadable or gone): expand the folder to see why`;
      deps.emit('notice', { level: 'warning', message });
    }
  } else if (result.outcome === 'asking') {
    const differ = result.totals.differs.files;
    const text = `${differ} file${differ === 1 ? ' differs from the object' : 's differ from the objects'} already at ${differ === 1 ? 'its key' : 'their keys'} in ${where}`;
    deps.emit('notice', { level: 'warning', message: `${name}: ${text}: nothing was overwritten; choose on the folder's row whether to overwrite or keep the server's` });
    deps.notify('Overwrite files?', `${name}: ${text}`);
  } else if (result.outcome === 'conflict') {
    deps.emit('notice', { level: 'warning', message: `${name}: ${result.error ?? 'files changed'}: send them again, or cancel the folder` });
    deps.notify('Files changed', `${name}: ${result.error ?? 'files changed since the folder upload started'}`);
  } else {
    deps.emit('notice', { level: 'error', message: `${name}: ${result.error ?? 'failed'}` });
    deps.notify('Folder upload failed', `${name}: ${result.error ?? 'failed'}`);
  }
}
