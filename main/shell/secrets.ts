import { join } from 'node:path';
import { safeStorage } from 'electron';
import { EncryptedFileSecretStore, UnavailableSecretStore } from '../app/secret-store.ts';
import type { SecretStore } from '../app/secret-store.ts';
import { secretStorageProblem } from './secret-choice.ts';

export const SECRETS_FILE = 'secrets.json';

/**
 * Typed secret keys, encrypted with Electron's safeStorage (Keychain, DPAPI,
 * libsecret/KWallet) in <stateDir>/secrets.json. Without a real keyring they
 * are refused with a reason; profiles and env credentials still work.
 * Call after app 'ready' (safeStorage answers only then).
 */
export function createSecretStore(stateDir: string, log: (message: string) => void): SecretStore {
  const problem = secretStorageProblem({
    platform: process.platform,
    encryptionAvailable: safeStorage.isEncryptionAvailable(),
    linuxBackend: process.platform === 'linux' ? safeStorage.getSelectedStorageBackend() : undefined,
  });
  if (problem) {
    log(`secret keys cannot be stored: ${problem}`);
    return new UnavailableSecretStore(problem);
  }
  return new EncryptedFileSecretStore(join(stateDir, SECRETS_FILE), {
    encrypt: (plain) => safeStorage.encryptString(plain),
    decrypt: (encrypted) => safeStorage.decryptString(encrypted),
  });
}
