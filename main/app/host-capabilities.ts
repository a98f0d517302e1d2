import type { SecretStore } from './secret-store.ts';
import type { TargetChange } from './target-change.ts';

/**
 * What differs between the Electron shell and the headless server. The app
 * layer asks for these; each host supplies what it can.
 */
export interface HostCapabilities {
  mode: 'electron' | 'headless';
  version: string;
  platform: string;
  secrets: SecretStore;
  /** The native file dialog; absent headless (the UI adds by path there). */
  pickPaths?: (options: { folders: boolean }) => Promise<string[]>;
  /** Shows the file in the system file manager. */
  reveal?: (path: string) => void;
  /** A desktop notification. */
  notify?: (title: string, body: string) => void;
  /** Start Hoist at login, hidden in the tray. */
  setStartAtLogin?: (enabled: boolean) => Promise<void>;
  /**
   * Asks the user, in main's own native dialog, to agree to a change of an
   * existing target's endpoint, region, addressing or credentials; true when
   * they do. Absent headless: there the page confirms with a one-time code.
   */
  confirmTargetChange?: (change: TargetChange) => Promise<boolean>;
  log: (message: string) => void;
}
