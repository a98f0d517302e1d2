import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { OrphanView } from '../../../shared/ipc-contract.ts';
import { ELECTRON_INFO, FakeBridge, fakeGrant, makeOrphan, makeTarget, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

const flush = () => act(async () => {});
const lost = makeOrphan({ key: 'backups/lost.bin', uploadId: 'mpu-lost', parts: 3, bytes: 15 * 1024 * 1024, startedAt: new Date(Date.now() - 2 * 3600_000 - 60_000).toISOString() });
const mine = makeOrphan({ key: 'backups/mine.bin', uploadId: 'mpu-mine', parts: 1, bytes: 5 * 1024 * 1024, hoistId: 'u-1' });

/** A bridge whose server holds `orphans` until an abort or adoption changes them. */
function serverWith(orphans: OrphanView[], options: ConstructorParameters<typeof FakeBridge>[0] = {}) {
  let server = [...orphans];
  const bridge = new FakeBridge({
    targets: [makeTarget({ id: 't-a', name: 'A' }), makeTarget({ id: 't-b', name: 'B', keyPrefix: 'other/' })],
    ...options,
    handlers: {
      'orphans.list': ({ targetId }) => ok(targetId === 't-a' ? server : []),
      'orphans.abort': ({ uploadId }) => {
        server = server.filter((orphan) => orphan.uploadId !== uploadId);
        return ok({ ok: true as const });
      },
      'orphans.adopt': ({ uploadId }) => {
        server = server.map((orphan) => (orphan.uploadId === uploadId ? { ...orphan, hoistId: 'u-new' } : orphan));
        return ok({ id: 'u-new', partsVerified: 2 });
      },
      ...options.handlers,
    },
  });
  return bridge;
}

async function openOrphans(bridge: FakeBridge, targetId = 't-a'): Promise<HTMLElement> {
  await renderApp(bridge);
  const item = screen.getAllByTestId('target-item').find((el) => el.dataset.targetId === targetId) as HTMLElement;
  fireEvent.click(within(item).getByTestId('target-orphans'));
  await flush();
  return within(item).getByTestId('orphans');
}

const orphanItem = (list: HTMLElement, uploadId: string) =>
  within(list)
    .getAllByTestId('orphan-item')
    .find((el) => el.dataset.uploadId === uploadId) as HTMLElement;

describe('unfinished uploads on the server', () => {
  it("lists a target's uploads on request: key, start, parts, size, and which Hoist continues", async () => {
    const bridge = serverWith([lost, mine]);
    const list = await openOrphans(bridge);
    expect(bridge.inputsOf('orphans.list')).toEqual([{ targetId: 't-a' }]);

    const row = orphanItem(list, 'mpu-lost');
    expect(within(row).getByTestId('orphan-key').textContent).toBe('backups/lost.bin');
    expect(within(row).getByTestId('orphan-parts').textContent).toBe('3 parts');
    expect(within(row).getByTestId('orphan-size').textContent).toBe('15.0 MiB');
    expect(within(row).getByTestId('orphan-started').textContent).toBe('started 2 hours ago');
    expect(within(row).queryByTestId('orphan-tracked')).toBeNull();
    // The one Hoist continues offers neither Abort nor Adopt: cancel is for it.
    const tracked = orphanItem(list, 'mpu-mine');
    expect(within(tracked).getByTestId('orphan-tracked').textContent).toContain('Hoist is continuing this upload');
    expect(within(tracked).queryByTestId('orphan-abort')).toBeNull();
    expect(within(tracked).queryByTestId('orphan-adopt')).toBeNull();

    // Another target's list is its own.
    const other = await (async () => {
      const item = screen.getAllByTestId('target-item').find((el) => el.dataset.targetId === 't-b') as HTMLElement;
      fireEvent.click(within(item).getByTestId('target-orphans'));
      await flush();
      return within(item).getByTestId('orphans');
    })();
    expect(within(other).getByTestId('orphans-empty')).toBeTruthy();

    fireEvent.click(within(list).getByTestId('orphans-refresh'));
    await flush();
    expect(bridge.inputsOf('orphans.list')).toEqual([{ targetId: 't-a' }, { targetId: 't-b' }, { targetId: 't-a' }]);
  });

  it('aborts only after a confirm step, then shows the list without it', async () => {
    const bridge = serverWith([lost, mine]);
    const list = await openOrphans(bridge);

    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort'));
    expect(bridge.inputsOf('orphans.abort')).toEqual([]);
    expect(orphanItem(list, 'mpu-lost').textContent).toContain('3 parts, 15.0 MiB');
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort-cancel'));
    expect(within(orphanItem(list, 'mpu-lost')).queryByTestId('orphan-abort-confirm')).toBeNull();

    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort'));
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort-confirm'));
    await flush();
    expect(bridge.inputsOf('orphans.abort')).toEqual([{ targetId: 't-a', uploadId: 'mpu-lost' }]);
    expect(within(list).getAllByTestId('orphan-item').map((el) => el.dataset.uploadId)).toEqual(['mpu-mine']);
    expect(within(list).getByTestId('orphans-status').textContent).toBe('Aborted the unfinished upload of backups/lost.bin.');
  });

  it("shows main's refusal in the list, not as a notice", async () => {
    const bridge = serverWith([lost], {
      handlers: { 'orphans.abort': () => ({ ok: false, error: { code: 'failed', message: 'hoist is continuing this upload of backups/lost.bin (upload u-1): cancel that upload' } }) },
    });
    const list = await openOrphans(bridge);
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort'));
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-abort-confirm'));
    await flush();
    expect(within(list).getByTestId('orphans-error').textContent).toBe('Hoist is continuing this upload of backups/lost.bin (upload u-1): cancel that upload');
    expect(screen.queryByTestId('notice')).toBeNull();
    expect(orphanItem(list, 'mpu-lost')).toBeTruthy();
  });

  it('adopts headless with a typed path, keeping the path when main refuses the file', async () => {
    let refuse = true;
    const bridge = serverWith([lost], {
      handlers: {
        'orphans.adopt': () =>
          refuse ? { ok: false, error: { code: 'failed', message: '/data/wrong.bin does not continue backups/lost.bin: none of its 3 parts matches the file' } } : ok({ id: 'u-new', partsVerified: 2 }),
      },
    });
    const list = await openOrphans(bridge);
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-adopt'));
    expect(within(list).queryByTestId('orphan-adopt-pick')).toBeNull();
    const input = within(list).getByTestId('orphan-adopt-path') as HTMLInputElement;
    expect((within(list).getByTestId('orphan-adopt-confirm') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.change(input, { target: { value: ' /data/wrong.bin ' } });
    fireEvent.click(within(list).getByTestId('orphan-adopt-confirm'));
    await flush();
    expect(bridge.inputsOf('orphans.adopt')).toEqual([{ targetId: 't-a', uploadId: 'mpu-lost', path: '/data/wrong.bin' }]);
    expect(within(list).getByTestId('orphans-error').textContent).toContain('none of its 3 parts matches the file');
    expect((within(list).getByTestId('orphan-adopt-path') as HTMLInputElement).value).toBe(' /data/wrong.bin ');

    refuse = false;
    fireEvent.change(within(list).getByTestId('orphan-adopt-path'), { target: { value: '/data/lost.bin' } });
    fireEvent.click(within(list).getByTestId('orphan-adopt-confirm'));
    await flush();
    expect(bridge.inputsOf('orphans.adopt')[1]).toEqual({ targetId: 't-a', uploadId: 'mpu-lost', path: '/data/lost.bin' });
    expect(within(list).queryByTestId('orphans-error')).toBeNull();
    expect(within(list).getByTestId('orphans-status').textContent).toBe('Continuing backups/lost.bin from /data/lost.bin: 2 parts verified, the rest is uploading.');
    expect(within(list).queryByTestId('orphan-adopt-path')).toBeNull();
    expect(bridge.inputsOf('orphans.list')).toHaveLength(2);
  });

  it('offers the file dialog for Adopt in the desktop app, and names the picked file by its grant', async () => {
    const bridge = serverWith([lost], { appInfo: ELECTRON_INFO, handlers: { 'dialog.pickPaths': () => ok([fakeGrant('/home/me/lost.bin')]) } });
    const list = await openOrphans(bridge);
    fireEvent.click(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-adopt'));
    fireEvent.click(within(list).getByTestId('orphan-adopt-pick'));
    await flush();
    expect(bridge.inputsOf('dialog.pickPaths')).toEqual([{ folders: false }]);
    const shown = within(list).getByTestId('orphan-adopt-path') as HTMLInputElement;
    expect(shown.value).toBe('/home/me/lost.bin');
    // Main takes no typed path in the desktop app: the field only shows what was picked.
    expect(shown.readOnly).toBe(true);
    fireEvent.click(within(list).getByTestId('orphan-adopt-confirm'));
    await flush();
    expect(bridge.inputsOf('orphans.adopt')).toEqual([{ targetId: 't-a', uploadId: 'mpu-lost', grant: fakeGrant('/home/me/lost.bin').grant }]);
    expect(within(orphanItem(list, 'mpu-lost')).getByTestId('orphan-tracked')).toBeTruthy();
  });
});
