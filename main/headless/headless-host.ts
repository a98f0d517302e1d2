import type { HostCapabilities } from '../app/host-capabilities.ts';
import { UnavailableSecretStore } from '../app/secret-store.ts';

export const HEADLESS_SECRETS_MESSAGE =
  'headless Hoist cannot store secret keys encrypted: use an AWS profile or the standard AWS environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)';

/**
 * What the headless host can do: no file dialog and no path grants (the UI
 * adds by typed full path, the token guarding the channel),
 * no "show in folder", notifications become log lines, no start at login,
 * and typed secret keys are refused (credentials come from the AWS chain).
 */
export function headlessHost(options: { version: string; log: (message: string) => void; platform?: string }): HostCapabilities {
  const { log } = options;
  return {
    mode: 'headless',
    version: options.version,
    platform: options.platform ?? process.platform,
    secrets: new UnavailableSecretStore(HEADLESS_SECRETS_MESSAGE),
    notify: (title, body) => log(`${title}: ${body}`),
    setStartAtLogin: async (enabled) => {
      log(`start at login is not supported in headless mode (setting ${enabled ? 'on' : 'off'} stored, nothing changed)`);
    },
    log,
  };
}
