import type { GrantedPath } from '../../shared/ipc-contract.ts';
import type { PathGrants } from './path-grants.ts';
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
  /**
   * How requests name files to upload. Present (Electron): only grants from
   * this registry, issued for paths the user chose by a gesture main saw; a
   * raw path is refused. Absent (headless): raw absolute paths, the token
   * guarding the channel. Either way addable-path.ts's rules apply.
   */
  pathGrants?: PathGrants;
  /** The native file dialog, a grant per chosen path; absent headless (the UI adds by path there). */
  pickPaths?: (options: { folders: boolean }) => Promise<GrantedPath[]>;
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
