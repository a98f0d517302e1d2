import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UploadView } from '../../shared/ipc-contract.ts';
import { trayView } from '../../shared/domain/tray-view.ts';
import type { TrayActionId } from '../../shared/domain/tray-view.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';
import { HoistTray } from './tray.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

const MiB = 1024 * 1024;
const assetsDir = join(import.meta.dirname, '..', '..', 'assets');
const platform = process.platform;

function upload(id: string, state: UploadView['state'], bytesDone = 50 * MiB): UploadView {
  return {
    ...{ id, path: `/data/${id}`, bucket: 'b', key: id, endpoint: null, region: 'us-east-1', targetId: 't', state, bytesDone, bytesTotal: 100 * MiB },
    ...{ bytesInFlight: 0, partsInFlight: 0, partsDone: 0, partsTotal: 10, partSize: 10 * MiB, startedAt: '2030-01-01T00:00:00Z', updatedAt: '2030-01-01T00:00:00Z', completedAt: null },
    ...{ expiresAt: null, restarts: 0, lastError: null, conflict: null, uploadId: 'mpu', speed: state === 'uploading' ? 2 * MiB : 0, etaSeconds: null },
  };
}
const view = (...uploads: UploadView[]) => trayView(uploads, { now: Date.parse('2030-01-01T00:00:00Z'), expiryWarningHours: 24 });

function newTray() {
  const actions: TrayActionId[] = [];
  const tray = new HoistTray({ assetsDir, onAction: (id) => actions.push(id) });
  return { tray, native: fake.trays[0]!, actions };
}

const menu = (native: (typeof fake.trays)[number]) => native.fake.menu!.fake.template;

beforeEach(() => resetFakeElectron());
afterEach(() => Object.defineProperty(process, 'platform', { value: platform }));

describe('the tray', () => {
  it('draws the view model: icon per state, tooltip, the summary and the actions with their enabled state', () => {
    const { tray, native } = newTray();
    expect(native.fake.image).toEqual({ path: join(assetsDir, 'tray-idle.png') });

    const uploading = view(upload('a', 'uploading'), upload('b', 'paused'));
    tray.render(uploading);
    expect(native.fake.image).toEqual({ path: join(assetsDir, 'tray-uploading.png') });
    expect(native.fake.tooltip).toBe(uploading.tooltip);
    const items = menu(native);
    expect(items.map((item) => item.label ?? item.type)).toEqual([uploading.menu.files, expect.stringContaining('50%'), 'separator', 'Pause all', 'Resume all', 'separator', 'Open Hoist', 'Quit']);
    expect(items.map((item) => item.enabled ?? true)).toEqual([false, false, true, true, true, true, true, true]);

    tray.render(view(upload('b', 'failed')));
    expect(native.fake.image).toEqual({ path: join(assetsDir, 'tray-attention.png') });
    expect(menu(native).find((item) => item.label === 'Pause all')?.enabled).toBe(false);
  });

  it('runs the chosen action, and opens the window on a click (Linux, Windows)', () => {
    Object.defineProperty(process, 'platform', { value: 'linux' });
    const { tray, native, actions } = newTray();
    tray.render(view(upload('a', 'uploading')));
    for (const label of ['Pause all', 'Resume all', 'Open Hoist', 'Quit']) {
      const item = menu(native).find((candidate) => candidate.label === label)!;
      (item.click as () => void)();
    }
    native.emit('click');
    expect(actions).toEqual(['pauseAll', 'resumeAll', 'open', 'quit', 'open']);
  });

  it('touches the native tray only for what changed, and not at all once destroyed', () => {
    const { tray, native } = newTray();
    const same = view(upload('a', 'paused'));
    tray.render(same);
    const after = native.fake.changes.length;
    tray.render(view(upload('a', 'paused')));
    expect(native.fake.changes).toHaveLength(after);
    tray.destroy();
    expect(native.fake.destroyed).toBe(true);
    tray.render(view(upload('a', 'uploading')));
    expect(native.fake.changes).toHaveLength(after);
    tray.destroy();
  });

  it('on macOS: 2x icons from the PNG bytes, and no click handler (the menu opens on click)', () => {
    Object.defineProperty(process, 'platform', { value: 'darwin' });
    const { native } = newTray();
    expect(native.fake.image).toMatchObject({ scaleFactor: 2 });
    expect(native.listenerCount('click')).toBe(0);
  });
});
