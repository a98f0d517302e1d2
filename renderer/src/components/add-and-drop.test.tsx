import { fireEvent, screen } from '@testing-library/react';
import { act } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ELECTRON_INFO, FakeBridge, fakeGrant, makeTarget, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';

const flush = () => act(async () => {});

/** Files as Electron hands them over; a dropped folder is a File too, whose path the preload knows. */
function droppedFiles() {
  const folder = new File([], 'photos');
  const file = new File(['x'], 'a.bin');
  const paths = new Map<unknown, string>([
    [folder, '/data/photos'],
    [file, '/data/a.bin'],
  ]);
  return { files: [folder, file], pathForFile: (f: unknown) => paths.get(f) };
}

describe('drop zone', () => {
  it('adds dropped files and folders to the selected target by the grants main issued for them, never by path (Electron)', async () => {
    const { files, pathForFile } = droppedFiles();
    const bridge = new FakeBridge({
      appInfo: ELECTRON_INFO,
      pathForFile,
      targets: [makeTarget({ id: 't-main', name: 'Main' }), makeTarget({ id: 't-archive', name: 'Archive', bucket: 'archive' })],
    });
    await renderApp(bridge);
    fireEvent.change(screen.getByTestId('target-select'), { target: { value: 't-archive' } });

    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files, types: ['Files'] } });
    await flush();

    const grants = [fakeGrant('/data/photos').grant, fakeGrant('/data/a.bin').grant];
    expect(bridge.inputsOf('uploads.add')).toEqual([{ grants, targetId: 't-archive', folderMode: 'files' }]);
    expect(screen.queryByTestId('notice')).toBeNull();

    // Folders as one archive: the next add says so.
    fireEvent.change(screen.getByTestId('folder-mode'), { target: { value: 'archive' } });
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files, types: ['Files'] } });
    await flush();
    expect(bridge.inputsOf('uploads.add')[1]).toEqual({ grants, targetId: 't-archive', folderMode: 'archive' });
  });

  it('explains adding by path when a browser drops files (headless)', async () => {
    const bridge = new FakeBridge(); // no pathForFile, as in a browser
    await renderApp(bridge);

    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [new File(['x'], 'a.bin')], types: ['Files'] } });
    await flush();

    expect(bridge.inputsOf('uploads.add')).toEqual([]);
    expect(screen.getByTestId('notice').textContent).toContain('type its path on the server machine');
  });

  it('shows the drop overlay while files are dragged over the window', async () => {
    await renderApp(new FakeBridge({ appInfo: ELECTRON_INFO, pathForFile: () => '/x' }));
    const zone = screen.getByTestId('drop-zone');
    fireEvent.dragEnter(zone, { dataTransfer: { types: ['Files'], files: [] } });
    expect(zone.className).toContain('drop-zone--active');
    expect(zone.textContent).toContain('Drop to upload to “Main bucket”');
    fireEvent.dragLeave(zone, { dataTransfer: { types: ['Files'], files: [] } });
    expect(zone.className).not.toContain('drop-zone--active');
  });

  it('reports paths main rejected', async () => {
    const bridge = new FakeBridge({
      appInfo: ELECTRON_INFO,
      pathForFile: () => '/data/locked.bin',
      handlers: { 'uploads.add': () => ok({ added: [], rejected: [{ path: '/data/locked.bin', reason: 'permission denied' }] }) },
    });
    await renderApp(bridge);
    fireEvent.drop(screen.getByTestId('drop-zone'), { dataTransfer: { files: [new File([], 'locked.bin')], types: ['Files'] } });
    await flush();
    expect(screen.getByTestId('notice').textContent).toContain('/data/locked.bin: permission denied');
  });
});

describe('add bar', () => {
  it('adds a typed path on the server machine in headless mode', async () => {
    const bridge = new FakeBridge();
    await renderApp(bridge);
    expect(screen.queryByTestId('add-files')).toBeNull();

    const input = screen.getByTestId('add-path-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '/srv/exports/db.dump' } });
    fireEvent.click(screen.getByTestId('add-button'));
    await flush();

    expect(bridge.inputsOf('uploads.add')).toEqual([{ paths: ['/srv/exports/db.dump'], targetId: 't-main', folderMode: 'files' }]);
    expect(input.value).toBe('');
  });

  it('keeps the typed path when main refuses it', async () => {
    const bridge = new FakeBridge({
      handlers: { 'uploads.add': () => ({ ok: false, error: { code: 'failed', message: 'no such file: /srv/typo' } }) },
    });
    await renderApp(bridge);
    const input = screen.getByTestId('add-path-input') as HTMLInputElement;
    fireEvent.change(input, { target: { value: '/srv/typo' } });
    fireEvent.click(screen.getByTestId('add-button'));
    await flush();
    expect(input.value).toBe('/srv/typo');
    expect(screen.getByTestId('notice').textContent).toContain('No such file: /srv/typo');
  });

  it('asks for a target when there is none', async () => {
    const bridge = new FakeBridge({ targets: [] });
    await renderApp(bridge);
    fireEvent.change(screen.getByTestId('add-path-input'), { target: { value: '/srv/a' } });
    fireEvent.click(screen.getByTestId('add-button'));
    await flush();
    expect(bridge.inputsOf('uploads.add')).toEqual([]);
    expect(screen.getByTestId('notice').textContent).toContain('add a target under Targets');
  });

  it('picks files and folders with the native dialog in Electron', async () => {
    const bridge = new FakeBridge({
      appInfo: ELECTRON_INFO,
      handlers: { 'dialog.pickPaths': ({ folders }) => ok((folders ? ['/home/me/Photos'] : ['/home/me/a.iso', '/home/me/b.iso']).map(fakeGrant)) },
    });
    await renderApp(bridge);
    expect(screen.queryByTestId('add-path-input')).toBeNull();

    fireEvent.click(screen.getByTestId('add-files'));
    await flush();
    fireEvent.click(screen.getByTestId('add-folder'));
    await flush();

    expect(bridge.inputsOf('dialog.pickPaths')).toEqual([{ folders: false }, { folders: true }]);
    expect(bridge.inputsOf('uploads.add')).toEqual([
      { grants: [fakeGrant('/home/me/a.iso').grant, fakeGrant('/home/me/b.iso').grant], targetId: 't-main', folderMode: 'files' },
      { grants: [fakeGrant('/home/me/Photos').grant], targetId: 't-main', folderMode: 'files' },
    ]);
  });
});
