import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { FolderFileView, RequestInput } from '../../../shared/ipc-contract.ts';
import { FakeBridge, makeFolder, makeFolderFiles, makeUpload, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { FILE_ROW_HEIGHT, FILES_PANEL_HEIGHT } from './folder-files.tsx';
import { ROW_HEIGHT } from './queue.tsx';
import { rowAt, rowOffsets, visibleRangeOf } from './virtual-list.tsx';

const flush = () => act(async () => {});

const folderRow = (id: string) => {
  const row = screen.getAllByTestId('folder-row').find((element) => element.dataset.folderId === id);
  if (!row) throw new Error(`no folder row for ${id}`);
  return row;
};
const text = (row: HTMLElement, testId: string) => within(row).getByTestId(testId).textContent;

describe('folder rows', () => {
  it('shows a folder as one row with its files, bytes, speed, ETA and what was not sent, before the uploads', async () => {
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1', path: '/data/photos' })], uploads: [makeUpload({ id: 'u1' })] });
    await renderApp(bridge);

    const row = folderRow('f1');
    expect(row.dataset.state).toBe('uploading');
    expect(text(row, 'row-name')).toBe('photos/');
    expect(text(row, 'row-target')).toBe('s3://my-bucket/backups/f1/');
    expect(text(row, 'row-state')).toBe('Uploading');
    // 1,234 sent + 50 already there, of 1,990 that can be sent (the link is never sendable).
    expect(text(row, 'folder-files-count')).toBe('1,284 / 1,990 files');
    expect(text(row, 'row-bytes')).toBe('1.3 MiB / 1.9 MiB');
    expect(text(row, 'row-speed')).toBe('512 KiB/s');
    expect(text(row, 'row-eta')).toBe('2s left');
    expect(text(row, 'folder-there')).toBe('50 already there');
    expect(text(row, 'folder-not-sent')).toBe('3 not sent');
    expect(within(row).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('64');
    // One row for the folder, then the upload.
    const list = within(screen.getByTestId('queue')).getAllByRole('listitem');
    expect(list.map((item) => item.querySelector('[data-folder-id], [data-upload-id]')?.getAttribute('data-folder-id') ?? 'upload')).toEqual(['f1', 'upload']);
    // The header counts the folder as one entry.
    expect(screen.getByTestId('totals').textContent).toContain('2 of 2 unfinished');
  });

  it('shows a folder waiting out a failure as retrying, not uploading, and the header counts it so until the wait is over', async () => {
    const retrying = { at: new Date(Date.now() + 12_000).toISOString(), cause: 'connection refused by 127.0.0.1:7482', attempt: 3, of: 10 };
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1', retrying })] });
    await renderApp(bridge);
    const row = folderRow('f1');
    expect(text(row, 'row-state')).toBe('Retrying');
    expect(text(row, 'row-retrying')).toMatch(/^Retrying in 1[12] s: connection refused by 127\.0\.0\.1:7482, attempt 3 of 10$/);
    expect(within(row).queryByTestId('row-speed')).toBeNull();
    expect(screen.getByTestId('totals').textContent).toContain('0 uploading');
    expect(text(screen.getByTestId('totals'), 'totals-retrying')).toBe('1 retrying');

    // The next attempt got an answer: uploading again.
    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f1', retrying: null })] });
    await flush();
    expect(text(folderRow('f1'), 'row-state')).toBe('Uploading');
    expect(within(folderRow('f1')).queryByTestId('row-retrying')).toBeNull();
    expect(screen.getByTestId('totals').textContent).toContain('1 uploading');
    expect(within(screen.getByTestId('totals')).queryByTestId('totals-retrying')).toBeNull();
  });

  it('says what state the folder is in: walking, waiting, paused, completed, failed with why', async () => {
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1', walking: true, state: 'walking', walkedAt: null, etaSeconds: null })] });
    await renderApp(bridge);
    expect(text(folderRow('f1'), 'row-state')).toBe('Walking…');
    expect(text(folderRow('f1'), 'folder-files-count')).toBe('1,284 / 1,990 files so far');
    expect(within(folderRow('f1')).getByTestId('row-pause')).toBeTruthy();

    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f1', running: false, state: 'sending' })] });
    expect(text(folderRow('f1'), 'row-state')).toBe('Waiting');

    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f1', running: false, state: 'paused', speed: 0 })] });
    expect(folderRow('f1').dataset.state).toBe('paused');
    expect(within(folderRow('f1')).queryByTestId('row-pause')).toBeNull();
    expect(within(folderRow('f1')).queryByTestId('row-speed')).toBeNull();
    expect(within(folderRow('f1')).getByTestId('row-resume').textContent).toBe('Resume');

    const done = { files: 1990, bytes: 1990 * 1024 };
    const none = { files: 0, bytes: 0 };
    const totals = { pending: none, sending: none, done, there: none, failed: none, changed: none, removed: none, problem: none, differs: none, kept: none };
    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f1', running: false, state: 'completed', totals, etaSeconds: 0 })] });
    expect(text(folderRow('f1'), 'row-state')).toBe('Completed');
    expect(text(folderRow('f1'), 'folder-files-count')).toBe('1,990 / 1,990 files');
    expect(within(folderRow('f1')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(within(folderRow('f1')).queryByTestId('row-cancel')).toBeNull();
    expect(within(folderRow('f1')).queryByTestId('folder-not-sent')).toBeNull();

    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f1', running: false, state: 'failed', lastError: 'access denied to s3://my-bucket' })] });
    expect(text(folderRow('f1'), 'row-state')).toBe('Failed');
    expect(text(folderRow('f1'), 'row-error')).toBe('access denied to s3://my-bucket');
    expect(within(folderRow('f1')).getByTestId('row-resume').textContent).toBe('Retry');
  });

  it('follows folders.changed and folders.removed', async () => {
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1' })] });
    await renderApp(bridge);
    bridge.emit('folders.changed', { folders: [makeFolder({ id: 'f2', path: '/data/new' })] });
    expect(screen.getAllByTestId('folder-row').map((row) => row.dataset.folderId)).toEqual(['f1', 'f2']);
    bridge.emit('folders.removed', { ids: ['f1'] });
    expect(screen.getAllByTestId('folder-row').map((row) => row.dataset.folderId)).toEqual(['f2']);
  });

  it('sends pause, resume, send-changed and cancel for the folder', async () => {
    const changed = { files: 3, bytes: 300 };
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1' }), makeFolder({ id: 'f2', running: false, state: 'failed', totals: { ...makeFolder().totals, changed } })] });
    await renderApp(bridge);

    fireEvent.click(within(folderRow('f1')).getByTestId('row-pause'));
    fireEvent.click(within(folderRow('f1')).getByTestId('row-cancel'));
    fireEvent.click(within(folderRow('f2')).getByTestId('row-resume'));
    fireEvent.click(within(folderRow('f2')).getByTestId('folder-send-changed'));
    await flush();
    expect(bridge.inputsOf('folders.pause')).toEqual([{ id: 'f1' }]);
    expect(bridge.inputsOf('folders.cancel')).toEqual([{ id: 'f1' }]);
    expect(bridge.inputsOf('folders.resume')).toEqual([
      { id: 'f2', sendChanged: false },
      { id: 'f2', sendChanged: true },
    ]);
  });

  it('expands to the folder’s files, page by page as the list scrolls, with each one’s state and why', async () => {
    const pages = new Map<string | null, FolderFileView[]>([
      [null, [...makeFolderFiles(199), { relPath: 'link', size: 0, state: 'problem', message: 'link: a symbolic link; links are not followed' }]],
      ['link', makeFolderFiles(50, 500)],
    ]);
    const bridge = new FakeBridge({
      folders: [makeFolder({ id: 'f1' })],
      handlers: { 'folders.files': ({ after }) => ok(pages.get(after ?? null) ?? []) },
    });
    await renderApp(bridge);

    fireEvent.click(within(folderRow('f1')).getByTestId('folder-expand'));
    await flush();
    expect(within(folderRow('f1')).getByTestId('folder-expand').getAttribute('aria-expanded')).toBe('true');
    expect(bridge.inputsOf('folders.files')).toEqual([{ folderId: 'f1', after: null, limit: 200 }]);
    const panel = within(folderRow('f1')).getByTestId('folder-files');
    const first = within(panel).getAllByTestId('folder-file')[0] as HTMLElement;
    expect(first.dataset.path).toBe('file-00000.txt');
    expect(first.dataset.state).toBe('done');
    expect(first.textContent).toContain('Sent');
    // The virtual list holds a window of the 200 files, not all of them.
    expect(within(panel).getAllByTestId('folder-file').length).toBeLessThan(60);

    // Scrolled to the end: the link's row says why it was not sent, and the next page is asked for.
    const list = within(panel).getByRole('list');
    list.scrollTop = 200 * FILE_ROW_HEIGHT;
    fireEvent.scroll(list);
    await flush();
    const link = within(panel).getAllByTestId('folder-file').find((row) => row.dataset.path === 'link') as HTMLElement;
    expect(link.dataset.state).toBe('problem');
    expect(within(link).getByTestId('folder-file-message').textContent).toBe('link: a symbolic link; links are not followed');
    expect(link.textContent).toContain('Not sent');
    expect(bridge.inputsOf('folders.files')[1]).toEqual({ folderId: 'f1', after: 'link', limit: 200 });
    list.scrollTop = 250 * FILE_ROW_HEIGHT;
    fireEvent.scroll(list);
    await flush();
    expect(within(panel).getByTestId('folder-files-end').textContent).toBe('250 files listed.');
    expect(bridge.inputsOf('folders.files')).toHaveLength(2);

    // Collapsed: the list is gone.
    fireEvent.click(within(folderRow('f1')).getByTestId('folder-expand'));
    expect(within(folderRow('f1')).queryByTestId('folder-files')).toBeNull();
  });

  it('lists only the files not sent when asked', async () => {
    const bridge = new FakeBridge({
      folders: [makeFolder({ id: 'f1' })],
      handlers: {
        'folders.files': ({ states }: RequestInput<'folders.files'>) =>
          ok(states ? [{ relPath: 'bad', size: 1, state: 'failed' as const, message: 'bad: access denied' }] : makeFolderFiles(3)),
      },
    });
    await renderApp(bridge);
    fireEvent.click(within(folderRow('f1')).getByTestId('folder-expand'));
    await flush();
    fireEvent.change(within(folderRow('f1')).getByTestId('folder-files-filter'), { target: { value: 'notSent' } });
    await flush();
    expect(bridge.inputsOf('folders.files')[1]).toEqual({ folderId: 'f1', after: null, limit: 200, states: ['failed', 'changed', 'removed', 'problem'] });
    expect(within(folderRow('f1')).getAllByTestId('folder-file').map((row) => row.dataset.path)).toEqual(['bad']);
  });

  it('keeps the virtual list working with folder rows, expanded or not', async () => {
    const uploads = Array.from({ length: 10_000 }, (_, i) => makeUpload({ id: `u${i}` }));
    const bridge = new FakeBridge({ folders: [makeFolder({ id: 'f1' }), makeFolder({ id: 'f2' })], uploads, handlers: { 'folders.files': () => ok(makeFolderFiles(5)) } });
    await renderApp(bridge);
    const scroller = within(screen.getByTestId('queue')).getAllByRole('list')[0] as HTMLElement;
    const spacer = scroller.firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${10_002 * ROW_HEIGHT}px`);

    fireEvent.click(within(folderRow('f1')).getByTestId('folder-expand'));
    await flush();
    expect(spacer.style.height).toBe(`${10_002 * ROW_HEIGHT + FILES_PANEL_HEIGHT}px`);
    const rows = within(scroller).getAllByRole('listitem').filter((item) => item.parentElement === spacer);
    expect(rows[0]?.style.height).toBe(`${ROW_HEIGHT + FILES_PANEL_HEIGHT}px`);
    expect(rows[1]?.style.transform).toBe(`translateY(${ROW_HEIGHT + FILES_PANEL_HEIGHT}px)`);

    // Upload 5000 is the 5002nd row, below the taller first one.
    scroller.scrollTop = 5002 * ROW_HEIGHT + FILES_PANEL_HEIGHT;
    fireEvent.scroll(scroller);
    const rendered = screen.getAllByTestId('upload-row').map((row) => row.dataset.uploadId);
    expect(rendered).toContain('u5000');
    expect(rendered.length).toBeLessThan(60);
    expect(screen.queryAllByTestId('folder-row')).toHaveLength(0);
  });

  it('lays out rows of different heights', () => {
    const offsets = rowOffsets(4, (index) => (index === 1 ? 300 : 100));
    expect([...offsets]).toEqual([0, 100, 400, 500, 600]);
    expect(rowAt(offsets, 0)).toBe(0);
    expect(rowAt(offsets, 399)).toBe(1);
    expect(rowAt(offsets, 400)).toBe(2);
    expect(rowAt(offsets, 10_000)).toBe(3);
    expect(visibleRangeOf(offsets, 1, 150, 0)).toEqual({ start: 1, end: 2 });
    expect(visibleRangeOf(offsets, 0, 150, 1)).toEqual({ start: 0, end: 3 });
    expect(visibleRangeOf(rowOffsets(0, () => 1), 0, 500, 3)).toEqual({ start: 0, end: 0 });
  });
});
