import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FolderFileView, FolderView, RequestInput } from '../../../shared/ipc-contract.ts';
import { FakeBridge, makeFolder, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

// A folder whose files' keys hold different objects: the row says how many and
// offers to overwrite them or keep the server's; the expanded list shows each.

const flush = () => act(async () => {});

const folderRow = () => screen.getByTestId('folder-row');
const none = { files: 0, bytes: 0 };

/** A folder that sent 10 files and waits for a choice about `differing` more. */
function askingFolder(differing: number, overrides: Partial<FolderView> = {}): FolderView {
  const base = makeFolder({ id: 'f1', running: false, speed: 0, etaSeconds: null, state: 'asking', differing });
  const totals = { ...base.totals, pending: none, sending: none, failed: none, problem: none, done: { files: 10, bytes: 10_240 }, there: none, differs: { files: differing, bytes: differing * 100 } };
  return { ...base, totals, ...overrides };
}

describe('a folder row with files that differ from the server', () => {
  it('says how many differ and offers overwrite (destructive) and keep, reachable from the keyboard', async () => {
    const bridge = new FakeBridge({ folders: [askingFolder(3)] });
    await renderApp(bridge);

    const row = folderRow();
    expect(row.dataset.state).toBe('asking');
    expect(within(row).getByTestId('row-state').textContent).toBe('Your choice');
    const warning = within(row).getByTestId('folder-differs');
    expect(warning.textContent).toBe('3 files differ from the objects already at their keys');
    // Not done yet: 10 of 13 files.
    expect(within(row).getByTestId('folder-files-count').textContent).toBe('10 / 13 files');
    const overwrite = within(row).getByRole('button', { name: 'Overwrite them' });
    const keep = within(row).getByRole('button', { name: 'Keep the server\u0027s' });
    expect(overwrite.className).toContain('button--danger');
    expect(keep.className).not.toContain('button--danger');
    for (const button of [overwrite, keep]) {
      expect(button.getAttribute('aria-describedby')).toBe(warning.id);
      button.focus();
      expect(document.activeElement).toBe(button);
    }

    fireEvent.click(overwrite);
    fireEvent.click(keep);
    await flush();
    expect(bridge.inputsOf('folders.settleDiffering')).toEqual([
      { id: 'f1', choice: 'overwrite' },
      { id: 'f1', choice: 'skip' },
    ]);
  });

  it('says it of one file in the singular, and shows nothing of it once none differ (kept ones counted apart)', async () => {
    const bridge = new FakeBridge({ folders: [askingFolder(1)] });
    await renderApp(bridge);
    expect(within(folderRow()).getByTestId('folder-differs').textContent).toBe('1 file differs from the object already at its key');
    expect(within(folderRow()).queryByTestId('folder-kept')).toBeNull();

    const kept = askingFolder(0, { state: 'completed', etaSeconds: 0 });
    bridge.emit('folders.changed', { folders: [{ ...kept, totals: { ...kept.totals, kept: { files: 1, bytes: 100 } } }] });

    const row = folderRow();
    expect(within(row).getByTestId('row-state').textContent).toBe('Completed');
    expect(within(row).queryByTestId('folder-differs')).toBeNull();
    expect(within(row).queryByTestId('folder-overwrite')).toBeNull();
    expect(within(row).queryByTestId('folder-keep')).toBeNull();
    expect(within(row).getByTestId('folder-kept').textContent).toBe('1 kept as on the server');
    expect(within(row).getByTestId('folder-files-count').textContent).toBe('11 / 11 files');
  });

  it('lists each differing file with what differs, and can list only those', async () => {
    const differs: FolderFileView = { relPath: 'a.txt', size: 4, state: 'differs', message: 'the object already at its key is 14 B, the file 4 B (s3://my-bucket/backups/f1/a.txt)' };
    const bridge = new FakeBridge({
      folders: [askingFolder(1)],
      handlers: { 'folders.files': ({ states }: RequestInput<'folders.files'>) => ok(states ? [differs] : [differs, { relPath: 'b.txt', size: 4, state: 'done', message: null }]) },
    });
    await renderApp(bridge);

    fireEvent.click(within(folderRow()).getByTestId('folder-expand'));
    await flush();
    const file = within(folderRow()).getAllByTestId('folder-file')[0] as HTMLElement;
    expect(file.dataset.state).toBe('differs');
    expect(file.textContent).toContain('Differs');
    expect(within(file).getByTestId('folder-file-message').textContent).toBe(differs.message);

    fireEvent.change(within(folderRow()).getByTestId('folder-files-filter'), { target: { value: 'differs' } });
    await flush();
    expect(bridge.inputsOf('folders.files')[1]).toEqual({ folderId: 'f1', after: null, limit: 200, states: ['differs', 'kept'] });
    expect(within(folderRow()).getAllByTestId('folder-file').map((row) => row.dataset.path)).toEqual(['a.txt']);
  });
});
