// What the Targets panel asks about unfinished multipart uploads on a target's
// server. Unlike the other actions, a failure is not a notice: it belongs to
// one target's list and is shown there (a wrong file for Adopt is fixed in
// the same place it was typed).
import type { GrantedPath, HoistBridge, OrphanView, RequestInput, RequestName, RequestOutput } from '../../../shared/ipc-contract.ts';
import { cleanMessage } from '../lib/format.ts';
import type { HoistStore, OrphanList } from './hoist-store.ts';

type Answer<T> = { value: T } | { error: string };

export type OrphanActions = ReturnType<typeof createOrphanActions>;

export function createOrphanActions(bridge: HoistBridge, store: HoistStore) {
  const update = (targetId: string, patch: Partial<OrphanList>) => store.getState().updateOrphans(targetId, patch);

  async function ask<N extends RequestName>(name: N, input: RequestInput<N>): Promise<Answer<RequestOutput<N>>> {
    try {
      const envelope = await bridge.invoke(name, input);
      return envelope.ok ? { value: envelope.value } : { error: cleanMessage(envelope.error.message) };
    } catch (error) {
      return { error: cleanMessage(error instanceof Error ? error.message : String(error)) };
    }
  }

  /** Lists again; the status of the action that asked for it stays, a plain refresh clears it. */
  async function loadOrphans(targetId: string, options: { keepStatus?: boolean } = {}): Promise<void> {
    update(targetId, { busy: true, error: null, ...(options.keepStatus ? {} : { status: null }) });
    const answer = await ask('orphans.list', { targetId });
    update(targetId, 'value' in answer ? { busy: false, items: answer.value } : { busy: false, error: answer.error });
  }

  async function abortOrphan(targetId: string, orphan: OrphanView): Promise<boolean> {
    update(targetId, { busy: true, error: null, status: null });
    const answer = await ask('orphans.abort', { targetId, uploadId: orphan.uploadId });
    if ('error' in answer) {
      update(targetId, { busy: false, error: answer.error });
      return false;
    }
    const items = store.getState().orphans.get(targetId)?.items ?? [];
    update(targetId, { items: items.filter((item) => item.uploadId !== orphan.uploadId), status: `Aborted the unfinished upload of ${orphan.key}.` });
    await loadOrphans(targetId, { keepStatus: true });
    return true;
  }

  /**
   * The local file is a typed path (headless) or the one picked in the dialog
   * (the desktop app names it by its grant). The new upload's row arrives with
   * main's `uploads.changed` event, like any added file's.
   */
  async function adoptOrphan(targetId: string, orphan: OrphanView, file: string | GrantedPath): Promise<boolean> {
    update(targetId, { busy: true, error: null, status: null });
    const named = typeof file === 'string' ? { path: file.trim() } : { grant: file.grant };
    const path = typeof file === 'string' ? file : file.path;
    const answer = await ask('orphans.adopt', { targetId, uploadId: orphan.uploadId, ...named });
    if ('error' in answer) {
      update(targetId, { busy: false, error: answer.error });
      return false;
    }
    const { partsVerified } = answer.value;
    update(targetId, { status: `Continuing ${orphan.key} from ${path.trim()}: ${partsVerified} ${partsVerified === 1 ? 'part' : 'parts'} verified, the rest is uploading.` });
    await loadOrphans(targetId, { keepStatus: true });
    return true;
  }

  /** The native file dialog (desktop only): the chosen file and its grant, undefined when cancelled. */
  async function pickOrphanFile(targetId: string): Promise<GrantedPath | undefined> {
    const answer = await ask('dialog.pickPaths', { folders: false });
    if ('error' in answer) {
      update(targetId, { error: answer.error });
      return undefined;
    }
    return answer.value[0];
  }

  return { loadOrphans, abortOrphan, adoptOrphan, pickOrphanFile };
}
