import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { BrowseResult } from '../../../shared/ipc-contract.ts';
import { FakeBridge, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { childPath } from './file-browser.tsx';

const folders: Record<string, BrowseResult> = {
  home: {
    path: '/home/ada',
    parent: '/home',
    entries: [
      { name: 'videos', kind: 'folder', size: null },
      { name: 'notes.txt', kind: 'file', size: 5 * 1024 },
      { name: 'socket', kind: 'other', size: null },
    ],
    total: 3,
    capped: false,
  },
  videos: { path: '/home/ada/videos', parent: '/home/ada', entries: [{ name: 'holiday.mov', kind: 'file', size: 300 * 1024 * 1024 }], total: 1, capped: false },
};

function browsingBridge() {
  return new FakeBridge({
    handlers: {
      'files.browse': ({ path }) => ok((path === null || path === '/home/ada' ? folders.home : folders.videos) as BrowseResult),
    },
  });
}

describe('the headless picker (Browse…)', () => {
  it('opens at home, enters folders, goes up, and adds what was ticked', async () => {
    const bridge = browsingBridge();
    await renderApp(bridge);
    expect(screen.getByTestId('queue-empty').textContent).toContain('Use Browse…');
    fireEvent.click(screen.getByTestId('browse-open'));
    const browser = await screen.findByTestId('file-browser');
    await waitFor(() => expect(within(browser).getByTestId('browse-path').textContent).toBe('/home/ada'));
    expect(bridge.inputsOf('files.browse')[0]).toMatchObject({ path: null, offset: 0 });
    const entries = within(browser).getAllByTestId('browse-entry');
    expect(entries.map((entry) => [entry.dataset.name, entry.textContent])).toEqual([
      ['videos', 'videos/'],
      ['notes.txt', 'notes.txt5.0 KiB'],
      ['socket', 'socketcannot be added'],
    ]);
    expect((within(entries[2] as HTMLElement).getByTestId('browse-select') as HTMLInputElement).disabled).toBe(true);

    fireEvent.click(within(entries[1] as HTMLElement).getByTestId('browse-select'));
    fireEvent.click(within(browser).getByTestId('browse-enter'));
    await waitFor(() => expect(within(browser).getByTestId('browse-path').textContent).toBe('/home/ada/videos'));
    fireEvent.click(within(browser).getAllByTestId('browse-select')[0] as HTMLElement);
    fireEvent.click(within(browser).getByTestId('browse-up'));
    await waitFor(() => expect(within(browser).getByTestId('browse-path').textContent).toBe('/home/ada'));

    expect(within(browser).getByTestId('browse-add').textContent).toBe('Add 2 selected');
    fireEvent.click(within(browser).getByTestId('browse-add'));
    await waitFor(() => expect(screen.queryByTestId('file-browser')).toBeNull());
    expect(bridge.inputsOf('uploads.add')).toEqual([expect.objectContaining({ paths: ['/home/ada/notes.txt', '/home/ada/videos/holiday.mov'] })]);
  });

  it('asks for the next page of a big folder', async () => {
    const names = Array.from({ length: 3 }, (_, i) => `f${i}`);
    const bridge = new FakeBridge({
      handlers: {
        'files.browse': ({ offset }) =>
          ok({ path: '/big', parent: '/', entries: names.slice(offset ?? 0, (offset ?? 0) + 2).map((name) => ({ name, kind: 'file' as const, size: 1 })), total: 3, capped: false }),
      },
    });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('browse-open'));
    const more = await screen.findByTestId('browse-more');
    expect(more.textContent).toBe('Show more (1 left)');
    fireEvent.click(more);
    await waitFor(() => expect(screen.getAllByTestId('browse-entry')).toHaveLength(3));
    expect(bridge.inputsOf('files.browse').map((input) => input.offset)).toEqual([0, 2]);
    expect(screen.queryByTestId('browse-more')).toBeNull();
  });

  it('joins paths with the folder’s own separator', () => {
    expect(childPath('/', 'etc')).toBe('/etc');
    expect(childPath('/home/ada', 'x')).toBe('/home/ada/x');
    expect(childPath('C:\\Users\\ada', 'x')).toBe('C:\\Users\\ada\\x');
  });
});
