import { describe, expect, it } from 'vitest';
import type { UploadView } from '../ipc-contract.ts';
import type { FolderView } from '../ipc-folder-schemas.ts';
import { MiB } from './units.ts';
import { isExpiringSoon, trayView } from './tray-view.ts';
import type { TrayViewOptions } from './tray-view.ts';

const NOW = Date.parse('2030-01-10T12:00:00.000Z');
const OPTIONS: TrayViewOptions = { now: NOW, expiryWarningHours: 24 };
const hoursFromNow = (hours: number) => new Date(NOW + hours * 3600 * 1000).toISOString();

let nextId = 0;
function upload(patch: Partial<UploadView> = {}): UploadView {
  nextId += 1;
  return {
    id: `u${nextId}`,
    path: `/data/file-${nextId}.bin`,
    bucket: 'bucket',
    key: `file-${nextId}.bin`,
    endpoint: null,
    region: 'us-east-1',
    targetId: 't1',
    state: 'uploading',
    bytesDone: 0,
    bytesInFlight: 0,
    partsInFlight: 0,
    bytesTotal: 100 * MiB,
    partsDone: 0,
    partsTotal: 13,
    partSize: 8 * MiB,
    startedAt: '2030-01-10T11:00:00.000Z',
    updatedAt: '2030-01-10T11:59:00.000Z',
    completedAt: null,
    expiresAt: hoursFromNow(24 * 6),
    restarts: 0,
    lastError: null,
    conflict: null,
    uploadId: 'mpu',
    speed: 0,
    etaSeconds: null,
    ...patch,
  };
}

const enabled = (view: ReturnType<typeof trayView>) => Object.fromEntries(view.items.map((item) => [item.id, item.enabled]));

describe('trayView state', () => {
  it('is idle with no uploads, and with finished ones only', () => {
    for (const uploads of [[], [upload({ state: 'completed', bytesDone: 100 * MiB, expiresAt: null }), upload({ state: 'cancelled' })]]) {
      const view = trayView(uploads, OPTIONS);
      expect(view.state).toBe('idle');
      expect(view.tooltip).toBe('Hoist: no uploads in progress');
      expect(view.menu).toEqual({ files: 'No uploads in progress', percent: null, speed: '', timeLeft: '' });
      expect(enabled(view)).toEqual({ pauseAll: false, resumeAll: false, open: true, quit: true });
    }
  });

  it('is uploading when any upload runs, even beside paused ones', () => {
    const view = trayView([upload({ state: 'uploading', speed: MiB }), upload({ state: 'paused' })], OPTIONS);
    expect(view.state).toBe('uploading');
    expect(enabled(view)).toEqual({ pauseAll: true, resumeAll: true, open: true, quit: true });
  });

  it('counts uploads waiting for a slot as uploading', () => {
    const view = trayView([upload({ state: 'queued' })], OPTIONS);
    expect(view.state).toBe('uploading');
    expect(view.menu.files).toBe('1 file: 1 waiting');
    expect(enabled(view).pauseAll).toBe(true);
  });

  it('is paused when every unfinished upload is paused', () => {
    const view = trayView([upload({ state: 'paused', bytesDone: 50 * MiB }), upload({ state: 'paused' }), upload({ state: 'completed' })], OPTIONS);
    expect(view.state).toBe('paused');
    expect(view.tooltip).toBe('Hoist: 2 files paused, 25%');
    expect(enabled(view)).toEqual({ pauseAll: false, resumeAll: true, open: true, quit: true });
  });

  it('needs attention when an upload failed, whatever else runs', () => {
    const view = trayView([upload({ state: 'failed', lastError: 'AccessDenied' }), upload({ state: 'uploading', speed: MiB })], OPTIONS);
    expect(view.state).toBe('attention');
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 failed)');
    expect(enabled(view).resumeAll).toBe(true);
  });

  it('needs attention when a source changed (conflict)', () => {
    const view = trayView([upload({ state: 'conflict', conflict: 'size changed' }), upload({ state: 'paused' })], OPTIONS);
    expect(view.state).toBe('attention');
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 changed on disk)');
    expect(view.menu.files).toBe('2 files: 1 paused, 1 changed on disk');
  });

  it('needs attention when a source is missing, and offers resume-all to check again', () => {
    const view = trayView([upload({ state: 'missing' }), upload({ state: 'completed' })], OPTIONS);
    expect(view.state).toBe('attention');
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 missing on disk)');
    expect(view.menu.files).toBe('1 file: 1 missing on disk');
    expect(view.items.find((item) => item.id === 'resumeAll')?.enabled).toBe(true);
  });

  it('needs attention when an unfinished upload expires within the warning threshold', () => {
    const soon = upload({ state: 'paused', expiresAt: hoursFromNow(23) });
    const later = upload({ state: 'paused', expiresAt: hoursFromNow(25) });
    expect(trayView([later], OPTIONS).state).toBe('paused');
    const view = trayView([soon, later], OPTIONS);
    expect(view.state).toBe('attention');
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 expiring soon)');
    expect(view.menu.files).toBe('2 files: 2 paused, 1 expiring soon');
    expect(trayView([later], { ...OPTIONS, expiryWarningHours: 48 }).state).toBe('attention');
  });

  it('counts an upload that is both failed and expiring once', () => {
    const view = trayView([upload({ state: 'failed', expiresAt: hoursFromNow(1) })], OPTIONS);
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 failed, 1 expiring soon)');
    const two = trayView([upload({ state: 'failed' }), upload({ state: 'conflict' })], OPTIONS);
    expect(two.tooltip).toBe('Hoist: 2 uploads need attention (1 failed, 1 changed on disk)');
  });
});

describe('isExpiringSoon', () => {
  it('is true at and inside the threshold, and when already past', () => {
    expect(isExpiringSoon(upload({ expiresAt: hoursFromNow(24) }), OPTIONS)).toBe(true);
    expect(isExpiringSoon(upload({ expiresAt: hoursFromNow(-1) }), OPTIONS)).toBe(true);
    expect(isExpiringSoon(upload({ expiresAt: hoursFromNow(24.01) }), OPTIONS)).toBe(false);
  });

  it('ignores finished uploads, uploads that never expire and unreadable dates', () => {
    expect(isExpiringSoon(upload({ state: 'completed', expiresAt: hoursFromNow(1) }), OPTIONS)).toBe(false);
    expect(isExpiringSoon(upload({ state: 'cancelled', expiresAt: hoursFromNow(1) }), OPTIONS)).toBe(false);
    expect(isExpiringSoon(upload({ expiresAt: null }), OPTIONS)).toBe(false);
    expect(isExpiringSoon(upload({ expiresAt: 'not a date' }), OPTIONS)).toBe(false);
  });
});

describe('trayView numbers and formatting', () => {
  it('sums progress, speed and time left over unfinished uploads', () => {
    const view = trayView(
      [
        upload({ state: 'uploading', bytesDone: 30 * MiB, bytesTotal: 100 * MiB, speed: 2 * MiB }),
        upload({ state: 'uploading', bytesDone: 10 * MiB, bytesTotal: 100 * MiB, speed: 1 * MiB }),
        upload({ state: 'queued', bytesDone: 0, bytesTotal: 100 * MiB }),
        upload({ state: 'completed', bytesDone: 500 * MiB, bytesTotal: 500 * MiB, expiresAt: null }),
      ],
      OPTIONS,
    );
    // 40 of 300 MiB unfinished; 260 MiB left at 3 MiB/s = 86.7 s.
    expect(view.menu).toEqual({ files: '3 files: 2 uploading, 1 waiting', percent: 13, speed: '3.0 MiB/s', timeLeft: '1m 27s left' });
    expect(view.tooltip).toBe('Hoist: uploading 3 files, 13% · 3.0 MiB/s · 1m 27s left');
  });

  it('leaves paused uploads out of speed and time left but not out of the percentage', () => {
    const view = trayView(
      [upload({ state: 'uploading', bytesDone: 0, bytesTotal: 10 * MiB, speed: MiB }), upload({ state: 'paused', bytesDone: 10 * MiB, bytesTotal: 30 * MiB })],
      OPTIONS,
    );
    expect(view.menu.percent).toBe(25);
    expect(view.menu.timeLeft).toBe('10s left');
  });

  it('rounds the percentage down so 100% means done', () => {
    const view = trayView([upload({ bytesDone: 999, bytesTotal: 1000 })], OPTIONS);
    expect(view.menu.percent).toBe(99);
  });

  it('never passes 100% when the server reports more than the total', () => {
    expect(trayView([upload({ bytesDone: 2000, bytesTotal: 1000 })], OPTIONS).menu.percent).toBe(100);
  });

  it('shows 0% for empty unfinished files and no speed or time when nothing moves', () => {
    const view = trayView([upload({ state: 'uploading', bytesDone: 0, bytesTotal: 0, speed: 0 })], OPTIONS);
    expect(view.menu).toEqual({ files: '1 file: 1 uploading', percent: 0, speed: '', timeLeft: '' });
    expect(view.tooltip).toBe('Hoist: uploading 1 file, 0%');
  });

  it('formats small speeds in bytes and long times in hours', () => {
    const view = trayView([upload({ state: 'uploading', bytesDone: 0, bytesTotal: 10 * MiB, speed: 512 })], OPTIONS);
    expect(view.menu.speed).toBe('512 B/s');
    expect(view.menu.timeLeft).toBe('5h 41m left');
  });

  it('lists the menu items in a fixed order with fixed labels', () => {
    expect(trayView([], OPTIONS).items.map((item) => [item.id, item.label])).toEqual([
      ['pauseAll', 'Pause all'],
      ['resumeAll', 'Resume all'],
      ['open', 'Open Hoist'],
      ['quit', 'Quit'],
    ]);
  });
});

function folder(patch: Partial<FolderView> = {}): FolderView {
  const count = (files: number, bytes: number) => ({ files, bytes });
  const none = count(0, 0);
  return {
    id: 'f1',
    path: '/data/photos',
    bucket: 'bucket',
    prefix: 'photos/',
    endpoint: null,
    region: 'us-east-1',
    targetId: 't1',
    state: 'sending',
    totals: { pending: count(6, 60 * MiB), sending: count(1, 10 * MiB), done: count(3, 30 * MiB), there: none, failed: none, changed: none, removed: none, problem: none, differs: none, kept: none },
    walking: false,
    running: true,
    startedAt: '2030-01-10T11:00:00.000Z',
    updatedAt: '2030-01-10T11:59:00.000Z',
    walkedAt: '2030-01-10T11:00:01.000Z',
    completedAt: null,
    lastError: null,
    differing: 0,
    bytesInFlight: 0,
    bytesSent: 30 * MiB,
    speed: 2 * MiB,
    etaSeconds: 35,
    ...patch,
  };
}

describe('trayView with folders', () => {
  it('counts a folder as one entry, its files’ bytes sent as done, and its speed', () => {
    const view = trayView([upload({ state: 'paused', bytesDone: 50 * MiB })], OPTIONS, [folder()]);
    expect(view.state).toBe('uploading');
    expect(view.menu).toMatchObject({ files: '2 files: 1 uploading, 1 paused', percent: 40, speed: '2.0 MiB/s' });
    expect(enabled(view)).toMatchObject({ pauseAll: true, resumeAll: true });
  });

  it('a folder waiting for a run is waiting; paused, failed and finished ones are what they say', () => {
    expect(trayView([], OPTIONS, [folder({ running: false })]).menu.files).toBe('1 file: 1 waiting');
    expect(trayView([], OPTIONS, [folder({ state: 'paused', running: false })]).state).toBe('paused');
    expect(trayView([], OPTIONS, [folder({ state: 'failed', running: false })]).state).toBe('attention');
    expect(trayView([], OPTIONS, [folder({ state: 'completed', running: false })]).state).toBe('idle');
  });

  it('a folder asking about objects that differ needs the user', () => {
    const view = trayView([], OPTIONS, [folder({ state: 'asking', running: false, differing: 2 })]);
    expect(view.state).toBe('attention');
    expect(view.menu.files).toBe('1 file: 1 waiting for your choice');
    expect(view.tooltip).toBe('Hoist: 1 upload needs attention (1 waiting for your choice)');
  });
});
