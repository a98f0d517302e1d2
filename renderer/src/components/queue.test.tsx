import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/ipc-contract.ts';
import { ELECTRON_INFO, FakeBridge, makeUpload, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { ROW_HEIGHT } from './queue.tsx';
import { visibleRange } from './virtual-list.tsx';

const rowOf = (id: string) => {
  const row = screen.getAllByTestId('upload-row').find((element) => element.dataset.uploadId === id);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
};

describe('queue', () => {
  it('renders the rows from uploads.list with name, target, progress and figures', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload({ id: 'a', path: '/data/videos/holiday.mov', key: 'backups/holiday.mov' }), makeUpload({ id: 'b', state: 'paused' })],
    });
    await renderApp(bridge);

    const rows = screen.getAllByTestId('upload-row');
    expect(rows.map((row) => row.dataset.uploadId)).toEqual(['a', 'b']);
    const row = rowOf('a');
    expect(row.dataset.state).toBe('uploading');
    expect(within(row).getByTestId('row-name').textContent).toBe('holiday.mov');
    expect(within(row).getByTestId('row-name').getAttribute('title')).toBe('/data/videos/holiday.mov');
    // The target's name, the object's address and the server: look-alike targets differ on the row.
    expect(within(row).getByTestId('row-target').textContent).toBe('Main bucket · s3://my-bucket/backups/holiday.mov · AWS S3');
    expect(within(row).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(within(row).getByTestId('row-bytes').textContent).toBe('50.0 MiB / 200 MiB');
    expect(within(row).getByTestId('row-speed').textContent).toBe('4.0 MiB/s');
    expect(within(row).getByTestId('row-eta').textContent).toBe('38s left');
    expect(within(row).getByTestId('row-state').textContent).toBe('Uploading');
    expect(rowOf('b').dataset.state).toBe('paused');
  });

  it('updates a row on uploads.changed, appends new ones and drops removed ones', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'a' }), makeUpload({ id: 'b' })] });
    await renderApp(bridge);

    bridge.emit('uploads.changed', {
      uploads: [makeUpload({ id: 'a', state: 'completed', bytesDone: 200 * 1024 * 1024, speed: 0, etaSeconds: null }), makeUpload({ id: 'c', state: 'queued' })],
    });
    expect(rowOf('a').dataset.state).toBe('completed');
    expect(within(rowOf('a')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(screen.getAllByTestId('upload-row').map((row) => row.dataset.uploadId)).toEqual(['a', 'b', 'c']);

    bridge.emit('uploads.removed', { ids: ['b'] });
    expect(screen.getAllByTestId('upload-row').map((row) => row.dataset.uploadId)).toEqual(['a', 'c']);
  });

  it('keeps only a window of rows in the DOM for 10,000 uploads, and moves it on scroll', async () => {
    const uploads = Array.from({ length: 10_000 }, (_, i) => makeUpload({ id: `u${i}`, path: `/data/file-${i}.bin` }));
    const bridge = new FakeBridge({ uploads });
    await renderApp(bridge);

    const rendered = () => screen.getAllByTestId('upload-row').map((row) => row.dataset.uploadId);
    expect(rendered().length).toBeGreaterThan(0);
    expect(rendered().length).toBeLessThan(60);
    expect(rendered()).toContain('u0');

    const scroller = within(screen.getByTestId('queue')).getByRole('list');
    scroller.scrollTop = 5000 * ROW_HEIGHT;
    fireEvent.scroll(scroller);
    expect(rendered()).toContain('u5000');
    expect(rendered()).not.toContain('u0');
    expect(rendered().length).toBeLessThan(60);
    // The spacer keeps the scrollbar the size of all rows.
    const spacer = scroller.firstElementChild as HTMLElement;
    expect(spacer.style.height).toBe(`${10_000 * ROW_HEIGHT}px`);
  });

  it('computes the visible range with overscan, clamped to the list', () => {
    expect(visibleRange(0, 500, 100, 10_000, 3)).toEqual({ start: 0, end: 9 });
    expect(visibleRange(100_000, 500, 100, 10_000, 3)).toEqual({ start: 997, end: 1009 });
    expect(visibleRange(999_900, 500, 100, 10_000, 3)).toEqual({ start: 9996, end: 10_000 });
    expect(visibleRange(0, 500, 100, 0, 3)).toEqual({ start: 0, end: 0 });
  });

  it('sends the row actions to the right channel with the upload id', async () => {
    const bridge = new FakeBridge({
      appInfo: ELECTRON_INFO,
      uploads: [
        makeUpload({ id: 'up', state: 'uploading' }),
        makeUpload({ id: 'paused', state: 'paused' }),
        makeUpload({ id: 'failed', state: 'failed', lastError: 'Access Denied for bucket my-bucket' }),
        makeUpload({ id: 'done', state: 'completed' }),
      ],
    });
    await renderApp(bridge);

    fireEvent.click(within(rowOf('up')).getByTestId('row-pause'));
    fireEvent.click(within(rowOf('paused')).getByTestId('row-resume'));
    fireEvent.click(within(rowOf('failed')).getByTestId('row-retry'));
    fireEvent.click(within(rowOf('failed')).getByTestId('row-cancel'));
    fireEvent.click(within(rowOf('done')).getByTestId('row-reveal'));

    expect(bridge.inputsOf('uploads.pause')).toEqual([{ id: 'up' }]);
    expect(bridge.inputsOf('uploads.resume')).toEqual([{ id: 'paused' }]);
    expect(bridge.inputsOf('uploads.retry')).toEqual([{ id: 'failed' }]);
    expect(bridge.inputsOf('uploads.cancel')).toEqual([{ id: 'failed' }]);
    expect(bridge.inputsOf('uploads.reveal')).toEqual([{ id: 'done' }]);

    // Buttons follow the state: nothing to pause or cancel on a finished upload.
    expect(within(rowOf('done')).queryByTestId('row-pause')).toBeNull();
    expect(within(rowOf('done')).queryByTestId('row-cancel')).toBeNull();
    expect(within(rowOf('up')).queryByTestId('row-resume')).toBeNull();
    expect(within(rowOf('failed')).getByTestId('row-error').textContent).toBe('Access Denied for bucket my-bucket');
  });

  it('says a missing file waits, and offers retry (check again) and cancel, not pause or resume', async () => {
    const lastError = 'source missing: file not found: /media/usb/video.mov; the upload is kept until the file is back (retry) or it is cancelled';
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'm', state: 'missing', lastError })] });
    await renderApp(bridge);
    const row = rowOf('m');
    expect(within(row).getByTestId('row-missing').textContent).toBe(lastError);
    expect(row.textContent).toContain('File missing');
    expect(within(row).queryByTestId('row-pause')).toBeNull();
    expect(within(row).queryByTestId('row-resume')).toBeNull();
    fireEvent.click(within(row).getByTestId('row-retry'));
    fireEvent.click(within(row).getByTestId('row-cancel'));
    expect(bridge.inputsOf('uploads.retry')).toEqual([{ id: 'm' }]);
    expect(bridge.inputsOf('uploads.cancel')).toEqual([{ id: 'm' }]);
  });

  it('shows Reveal only in the desktop app', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'a' })] }));
    expect(within(rowOf('a')).queryByTestId('row-reveal')).toBeNull();
  });

  it('offers the conflict choices and sends resolveConflict with each', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload({ id: 'c1', state: 'conflict', conflict: 'The file changed: size 200 MiB → 210 MiB' }), makeUpload({ id: 'c2', state: 'conflict' }), makeUpload({ id: 'c3', state: 'conflict' })],
    });
    await renderApp(bridge);

    const row = rowOf('c1');
    expect(within(row).getByTestId('row-conflict').textContent).toBe('The file changed: size 200 MiB → 210 MiB');
    expect(within(row).getByTestId('conflict-restart').textContent).toBe('Start over with the new version');
    expect(within(row).getByTestId('conflict-reuse').textContent).toBe('Keep unchanged parts');
    expect(within(row).getByTestId('conflict-cancel').textContent).toBe('Cancel upload');
    expect(within(row).queryByTestId('row-resume')).toBeNull();

    fireEvent.click(within(row).getByTestId('conflict-restart'));
    fireEvent.click(within(rowOf('c2')).getByTestId('conflict-cancel'));
    fireEvent.click(within(rowOf('c3')).getByTestId('conflict-reuse'));
    expect(bridge.inputsOf('uploads.resolveConflict')).toEqual([
      { id: 'c1', choice: 'restart' },
      { id: 'c2', choice: 'cancel' },
      { id: 'c3', choice: 'reuse' },
    ]);
    // No plain retry on a conflict row: it would stop on the same change again.
    expect(within(rowOf('c1')).queryByTestId('row-retry')).toBeNull();
  });

  it('a conflict over an object someone else wrote at the key offers to replace it or keep it', async () => {
    const said = 's3://b/k holds an object Hoist did not write (ETag "e", 3.0 KiB), put there after this upload started (the key was empty then); it was not replaced.';
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'o1', state: 'conflict', conflict: said, conflictOver: 'object' }), makeUpload({ id: 'o2', state: 'conflict', conflict: said, conflictOver: 'object' })] });
    await renderApp(bridge);

    const row = rowOf('o1');
    expect(within(row).getByTestId('row-conflict').textContent).toBe(said);
    expect(within(row).getByTestId('conflict-replace').textContent).toBe('Replace it with this file');
    expect(within(row).getByTestId('conflict-cancel').textContent).toBe('Keep it: cancel the upload');
    expect(within(row).queryByTestId('conflict-restart')).toBeNull();
    expect(within(row).queryByTestId('conflict-reuse')).toBeNull();

    fireEvent.click(within(row).getByTestId('conflict-replace'));
    fireEvent.click(within(rowOf('o2')).getByTestId('conflict-cancel'));
    expect(bridge.inputsOf('uploads.resolveConflict')).toEqual([
      { id: 'o1', choice: 'reuse' },
      { id: 'o2', choice: 'cancel' },
    ]);
  });

  it('shows the restarted badge only when the server discarded the upload', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'r', restarts: 2 }), makeUpload({ id: 'n', restarts: 0 })] }));
    expect(within(rowOf('r')).getByTestId('restart-badge').textContent).toBe('restarted 2× (server discarded it)');
    expect(within(rowOf('n')).queryByTestId('restart-badge')).toBeNull();
  });

  it('shows when an unfinished upload expires', async () => {
    const inTwoDays = new Date(Date.now() + 2 * 24 * 3600_000 + 60_000).toISOString();
    await renderApp(
      new FakeBridge({
        uploads: [makeUpload({ id: 'x', state: 'paused', expiresAt: inTwoDays }), makeUpload({ id: 'd', state: 'completed', expiresAt: inTwoDays })],
      }),
    );
    expect(within(rowOf('x')).getByTestId('row-expires').textContent).toBe('expires in 2 days');
    expect(within(rowOf('d')).queryByTestId('row-expires')).toBeNull();
  });
});

describe('header', () => {
  it('pauses and resumes everything', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'a' })] });
    await renderApp(bridge);
    fireEvent.click(screen.getByTestId('pause-all'));
    fireEvent.click(screen.getByTestId('resume-all'));
    expect(bridge.calls.map((c) => c.name).filter((n) => n.endsWith('All'))).toEqual(['uploads.pauseAll', 'uploads.resumeAll']);
    expect(screen.getByTestId('totals').textContent).toContain('1 of 1 unfinished');
  });
});

describe('expiry banner', () => {
  const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3600_000).toISOString();

  it('appears when an unfinished upload expires within the warning threshold', async () => {
    // Default threshold: 24 h.
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'soon', state: 'paused', path: '/data/soon.iso', expiresAt: hoursFromNow(5) })] }));
    const banner = screen.getByTestId('expiry-banner');
    expect(banner.textContent).toContain('1 unfinished upload will be discarded by the server within 24 h');
    expect(banner.textContent).toContain('soon.iso');
  });

  it('stays away when nothing unfinished expires within the threshold', async () => {
    await renderApp(
      new FakeBridge({
        uploads: [
          makeUpload({ id: 'later', state: 'paused', expiresAt: hoursFromNow(48) }),
          makeUpload({ id: 'finished', state: 'completed', expiresAt: hoursFromNow(1) }),
          makeUpload({ id: 'never', state: 'uploading', expiresAt: null }),
        ],
      }),
    );
    expect(screen.queryByTestId('expiry-banner')).toBeNull();
  });

  it('follows the expiryWarningHours setting and upload changes', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload({ id: 'a', state: 'paused', expiresAt: hoursFromNow(30) })],
      handlers: { 'settings.get': () => ok({ ...DEFAULT_SETTINGS, expiryWarningHours: 48 }) },
    });
    await renderApp(bridge);
    expect(screen.getByTestId('expiry-banner').textContent).toContain('within 48 h');

    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'a', state: 'completed', expiresAt: hoursFromNow(30) })] });
    expect(screen.queryByTestId('expiry-banner')).toBeNull();
  });
});
