import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Menu, Tray, nativeImage } from 'electron';
import type { MenuItemConstructorOptions, NativeImage } from 'electron';
import type { TrayActionId, TrayState, TrayView } from '../../shared/domain/tray-view.ts';

export interface HoistTrayOptions {
  assetsDir: string;
  onAction: (id: TrayActionId) => void;
}

/**
 * The tray icon and its menu, drawn from a TrayView (shared/domain/tray-view.ts).
 * Callers throttle; this only touches the native tray when something shown
 * actually changed, since rebuilding a menu is visible on some desktops.
 */
export class HoistTray {
  private readonly tray: Tray;
  private readonly icons = new Map<TrayState, NativeImage>();
  private shownState: TrayState | undefined;
  private shownTooltip = '';
  private shownMenu = '';

  constructor(private readonly options: HoistTrayOptions) {
    this.tray = new Tray(this.icon('idle'));
    this.shownState = 'idle';
    // Windows and some Linux desktops: a click opens the window; the menu is on right click.
    if (process.platform !== 'darwin') this.tray.on('click', () => options.onAction('open'));
  }

  render(view: TrayView): void {
    if (this.tray.isDestroyed()) return;
    if (view.state !== this.shownState) {
      this.tray.setImage(this.icon(view.state));
      this.shownState = view.state;
    }
    if (view.tooltip !== this.shownTooltip) {
      this.tray.setToolTip(view.tooltip);
      this.shownTooltip = view.tooltip;
    }
    const menuKey = JSON.stringify([view.menu, view.items]);
    if (menuKey !== this.shownMenu) {
      this.tray.setContextMenu(Menu.buildFromTemplate(this.template(view)));
      this.shownMenu = menuKey;
    }
  }

  destroy(): void {
    if (!this.tray.isDestroyed()) this.tray.destroy();
  }

  private template(view: TrayView): MenuItemConstructorOptions[] {
    const { menu } = view;
    const progress = [menu.percent === null ? '' : `${menu.percent}%`, menu.speed, menu.timeLeft].filter(Boolean).join(' · ');
    const item = (id: TrayActionId): MenuItemConstructorOptions => {
      const entry = view.items.find((candidate) => candidate.id === id);
      return { label: entry?.label ?? id, enabled: entry?.enabled ?? false, click: () => this.options.onAction(id) };
    };
    return [
      { label: menu.files, enabled: false },
      ...(progress ? [{ label: progress, enabled: false }] : []),
      { type: 'separator' },
      item('pauseAll'),
      item('resumeAll'),
      { type: 'separator' },
      item('open'),
      item('quit'),
    ];
  }

  private icon(state: TrayState): NativeImage {
    let icon = this.icons.get(state);
    if (!icon) {
      const file = join(this.options.assetsDir, `tray-${state}.png`);
      // The PNGs are 32×32: on macOS that is a 16-point icon at 2×, the menu bar's size.
      icon = process.platform === 'darwin' ? nativeImage.createFromBuffer(readFileSync(file), { scaleFactor: 2 }) : nativeImage.createFromPath(file);
      this.icons.set(state, icon);
    }
    return icon;
  }
}
