import type { SecretStore } from './secret-store.ts';

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
  log: (message: string) => void;
}
