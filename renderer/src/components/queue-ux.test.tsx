import { act, fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { FakeBridge, makeFolder, makeTarget, makeUpload, ok } from '../test/fake-bridge.ts';
import { renderApp } from '../test/render-app.tsx';
import { localTime } from '../lib/format.ts';

// What a new user found misleading in the queue (issue 16): labels, progress
// that went back, rows hard to find, failures hidden in a count, conflicts cut
// off, finished uploads with nothing to copy.

const MiB = 1024 * 1024;
const rowOf = (id: string) => {
  const row = screen.getAllByTestId('upload-row').find((element) => element.dataset.uploadId === id);
  if (!row) throw new Error(`no row for ${id}`);
  return row;
};
const rowIds = () => screen.getAllByTestId('upload-row').map((row) => row.dataset.uploadId);

describe('queue rows', () => {
  it('says "Waiting" for a running upload with no part in flight, without a speed', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'w', partsInFlight: 0, speed: 0, etaSeconds: null }), makeUpload({ id: 'u' })] }));
    expect(within(rowOf('w')).getByTestId('row-state').textContent).toBe('Waiting');
    expect(within(rowOf('w')).queryByTestId('row-speed')).toBeNull();
    expect(within(rowOf('u')).getByTestId('row-state').textContent).toBe('Uploading');
    expect(screen.getByTestId('totals').textContent).toContain('1 uploading');
  });

  it('shows confirmed bytes as the progress and the part on the way as its own lighter bar', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'a', bytesDone: 50 * MiB, bytesInFlight: 20 * MiB })] }));
    const row = rowOf('a');
    expect(within(row).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(within(row).getByTestId('progress-in-flight').style.transform).toBe('translateX(25%) scaleX(0.1)');
    expect(within(row).getByTestId('row-bytes').textContent).toBe('50.0 MiB / 200 MiB (+20.0 MiB on the way)');
  });

  it('drops the in-flight bar when the run stops, and never shows less than was confirmed', async () => {
    const bridge = new FakeBridge({ uploads: [makeUpload({ id: 'a', bytesDone: 50 * MiB, bytesInFlight: 20 * MiB })] });
    await renderApp(bridge);
    // Killed: the part in flight is lost, the confirmed bytes stay.
    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'a', state: 'queued', bytesDone: 50 * MiB, bytesInFlight: 0, speed: 0 })] });
    expect(within(rowOf('a')).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('25');
    expect(within(rowOf('a')).queryByTestId('progress-in-flight')).toBeNull();
  });

  it('lists the newest first, folders among uploads, with a filter by all, active, failed and done', async () => {
    const at = (minute: number) => `2030-01-01T00:${String(minute).padStart(2, '0')}:00.000Z`;
    await renderApp(
      new FakeBridge({
        uploads: [
          makeUpload({ id: 'old', startedAt: at(1), state: 'completed' }),
          makeUpload({ id: 'mid', startedAt: at(3), state: 'failed', lastError: 'AccessDenied' }),
          makeUpload({ id: 'new', startedAt: at(5) }),
        ],
        folders: [makeFolder({ id: 'f', startedAt: at(4) })],
      }),
    );
    expect(rowIds()).toEqual(['new', 'mid', 'old']);
    expect(screen.getAllByTestId(/^(upload|folder)-row$/).map((row) => row.dataset.uploadId ?? row.dataset.folderId)).toEqual(['new', 'f', 'mid', 'old']);
    const filter = screen.getByTestId('queue-filter');
    expect(within(filter).getByTestId('queue-filter-all').textContent).toBe('All 4');
    expect(within(filter).getByTestId('queue-filter-active').textContent).toBe('Active 2');

    fireEvent.click(within(filter).getByTestId('queue-filter-failed'));
    expect(rowIds()).toEqual(['mid']);
    fireEvent.click(within(filter).getByTestId('queue-filter-done'));
    expect(rowIds()).toEqual(['old']);
    expect(within(filter).getByTestId('queue-filter-done').getAttribute('aria-checked')).toBe('true');
  });

  it('scrolls back to the top when a new row arrives there', async () => {
    const uploads = Array.from({ length: 50 }, (_, i) => makeUpload({ id: `u${i}`, startedAt: new Date(Date.UTC(2030, 0, 1, 0, i)).toISOString() }));
    const bridge = new FakeBridge({ uploads });
    await renderApp(bridge);
    const list = screen.getByRole('list', { name: 'Uploads' });
    list.scrollTop = 3000;
    fireEvent.scroll(list);
    bridge.emit('uploads.changed', { uploads: [makeUpload({ id: 'fresh', startedAt: '2030-01-02T00:00:00.000Z' })] });
    expect(list.scrollTop).toBe(0);
    expect(rowIds()[0]).toBe('fresh');
  });

  it('shows a conflict in full, sizes in binary units and times in the user’s locale, the cheaper choice first and Cancel as destructive', async () => {
    const conflict = '/data/a.bin changed since the upload started (size 314572800 → 315621376, modification time 2026-12-03T10:00:00.000Z → 2026-12-03T11:30:00.000Z); its parts will not be mixed';
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'c', state: 'conflict', conflict, partsDone: 4 })] }));
    const row = rowOf('c');
    const text = within(row).getByTestId('row-conflict').textContent ?? '';
    expect(text).toContain('size 300 MiB → 301 MiB (+1.0 MiB)');
    expect(text).toContain(`modification time ${localTime(Date.parse('2026-12-03T10:00:00.000Z'))} → ${localTime(Date.parse('2026-12-03T11:30:00.000Z'))}`);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT/);
    const buttons = within(row).getAllByRole('button');
    expect(buttons.map((button) => button.dataset.testid)).toEqual(['conflict-reuse', 'conflict-restart', 'conflict-cancel']);
    expect(within(row).getByTestId('conflict-reuse').className).toContain('button--primary');
    expect(within(row).getByTestId('conflict-cancel').className).toContain('button--danger');
  });

  it('starts over by default when no part reached the server', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'c', state: 'conflict', conflict: 'changed', partsDone: 0, bytesDone: 0 })] }));
    expect(within(rowOf('c')).getByTestId('conflict-restart').className).toContain('button--primary');
    expect(within(rowOf('c')).getByTestId('conflict-reuse').className).not.toContain('button--primary');
  });

  it('asks before overwriting an object already at the key: skip (the default) or overwrite', async () => {
    const bridge = new FakeBridge({
      uploads: [
        makeUpload({
          id: 'x',
          state: 'conflict',
          conflictOver: 'object',
          uploadId: null,
          partsDone: 0,
          bytesDone: 0,
          conflict: 's3://my-bucket/backups/x.bin already holds an object (6.0 MiB, last modified 2026-12-01T08:00:00.000Z). Overwrite it with this file, or skip this file and keep the object',
        }),
      ],
    });
    await renderApp(bridge);
    const row = rowOf('x');
    expect(within(row).getByTestId('row-conflict').textContent).toContain(`last modified ${localTime(Date.parse('2026-12-01T08:00:00.000Z'))}`);
    expect(within(row).getByTestId('row-state').textContent).toBe('Your choice');
    expect(within(row).getByTestId('exists-skip').className).toContain('button--primary');
    expect(within(row).getByTestId('exists-overwrite').className).toContain('button--danger');
    fireEvent.click(within(row).getByTestId('exists-overwrite'));
    fireEvent.click(within(row).getByTestId('exists-skip'));
    await act(async () => {});
    expect(bridge.inputsOf('uploads.resolveConflict')).toEqual([
      { id: 'x', choice: 'reuse' },
      { id: 'x', choice: 'cancel' },
    ]);
  });

  it('gives finished uploads their addresses to copy: https URL and s3:// path', async () => {
    const writeText = vi.fn(async () => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    await renderApp(
      new FakeBridge({
        targets: [makeTarget({ id: 't-rgw', name: 'Lab', endpoint: 'http://127.0.0.1:7480', pathStyle: true })],
        uploads: [makeUpload({ id: 'd', state: 'completed', targetId: 't-rgw', endpoint: 'http://127.0.0.1:7480', key: 'backups/a b.bin', completedAt: '2030-01-01T00:02:00.000Z' })],
      }),
    );
    const row = rowOf('d');
    expect(within(row).getByTestId('row-target').textContent).toBe('Lab · s3://my-bucket/backups/a b.bin · 127.0.0.1:7480');
    fireEvent.click(within(row).getByTestId('row-copy-url'));
    await act(async () => {});
    expect(writeText).toHaveBeenLastCalledWith('http://127.0.0.1:7480/my-bucket/backups/a%20b.bin');
    expect(within(row).getByTestId('row-copy-url').textContent).toBe('Copied');
    fireEvent.click(within(row).getByTestId('row-copy-s3'));
    await act(async () => {});
    expect(writeText).toHaveBeenLastCalledWith('s3://my-bucket/backups/a b.bin');
  });
});

describe('header', () => {
  it('counts failed uploads apart and retries them all through main', async () => {
    const bridge = new FakeBridge({
      uploads: [makeUpload({ id: 'a' }), makeUpload({ id: 'b', state: 'failed', lastError: 'x' }), makeUpload({ id: 'c', state: 'completed' })],
      handlers: { 'uploads.retryFailed': () => ok({ uploads: 1, folders: 0 }) },
    });
    await renderApp(bridge);
    expect(screen.getByTestId('totals-failed').textContent).toBe('1 failed');
    expect(screen.getByTestId('totals').textContent).toContain('1 of 3 unfinished');
    fireEvent.click(screen.getByTestId('retry-failed'));
    await act(async () => {});
    expect(bridge.inputsOf('uploads.retryFailed')).toEqual([{}]);
  });

  it('offers no retry when nothing failed', async () => {
    await renderApp(new FakeBridge({ uploads: [makeUpload({ id: 'a' })] }));
    expect(screen.queryByTestId('retry-failed')).toBeNull();
    expect(screen.queryByTestId('totals-failed')).toBeNull();
  });
});

describe('target choice', () => {
  it('names the host with the bucket in the target picker, so look-alike targets differ', async () => {
    await renderApp(
      new FakeBridge({
        targets: [makeTarget({ id: 'one', name: 'Backups', endpoint: 'https://s3.one.example' }), makeTarget({ id: 'two', name: 'Backups', endpoint: 'https://s3.two.example:9000' })],
      }),
    );
    const options = within(screen.getByTestId('target-select')).getAllByRole('option').map((option) => option.textContent);
    expect(options).toEqual(['Backups — s3://my-bucket/backups/ on s3.one.example', 'Backups — s3://my-bucket/backups/ on s3.two.example:9000']);
    expect(screen.getAllByTestId('target-host').map((host) => host.textContent)).toEqual(['on https://s3.one.example · us-east-1', 'on https://s3.two.example:9000 · us-east-1']);
  });
});
