import type { ConflictChoice } from '../../../shared/ipc-contract.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import type { SourceKind, UploadRecord } from '../ports/records.ts';
import { agreeToReplace } from '../server/key-guard.ts';
import { restartWithNewSource } from './conflict-restart.ts';
import type { RestartDeps } from './conflict-restart.ts';
import { reuseUnchangedParts } from './conflict-reuse.ts';

/** What settling a conflict needs of the engine. */
export interface ConflictHost extends Pick<RestartDeps, 'store' | 'clock' | 'retryPolicy'> {
  isRunning(id: string): boolean;
  sourceFor(kind: SourceKind): ByteSource;
  objectStoreFor(upload: UploadRecord): ObjectStore;
  cancel(id: string): Promise<void>;
  markDirty(id: string): void;
}

/**
 * The user's answer to an upload stopped in conflict. 'cancel' cancels it.
 * Over another writer's object at the key, any other answer agrees to replace
 * that object. Over a changed source, 'restart' aborts the old multipart
 * upload and plans the new version of the file, and 'reuse' keeps the parts
 * whose bytes the new version still has; both return the updated record,
 * queued: the caller runs it.
 */
export async function resolveConflict(host: ConflictHost, id: string, choice: ConflictChoice): Promise<UploadRecord | undefined> {
  if (choice === 'cancel') {
    await host.cancel(id);
    return undefined;
  }
  if (host.isRunning(id)) throw new Error(`upload ${id} is running; it has no conflict to resolve`);
  const upload = host.store.getUpload(id);
  if (!upload) throw new Error(`no upload with id ${id}`);
  if (upload.conflict === null) throw new Error(`upload ${id} has no conflict to resolve`);
  if (upload.foreignObject !== null) {
    host.markDirty(id);
    return agreeToReplace(host.store, upload);
  }
  const deps = { store: host.store, source: host.sourceFor(upload.sourceKind), objects: host.objectStoreFor(upload), clock: host.clock, retryPolicy: host.retryPolicy };
  try {
    return await (choice === 'reuse' ? reuseUnchangedParts(deps, upload) : restartWithNewSource(deps, upload));
  } finally {
    host.markDirty(id);
  }
}
