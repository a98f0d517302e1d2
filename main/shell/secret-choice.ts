/**
 * Whether typed secret keys can be stored encrypted by the OS. Pure, so the
 * rule is unit-tested without Electron: secrets.ts feeds it safeStorage's answers.
 */
export interface SecretStorageFacts {
  platform: string;
  /** safeStorage.isEncryptionAvailable() */
  encryptionAvailable: boolean;
  /** safeStorage.getSelectedStorageBackend() on Linux; undefined elsewhere. */
  linuxBackend?: string;
}

/** Why secrets cannot be stored (shown to the user), or undefined when they can. */
export function secretStorageProblem({ platform, encryptionAvailable, linuxBackend }: SecretStorageFacts): string | undefined {
  const instead = 'use an AWS profile or environment variables for this target instead';
  if (platform === 'linux' && linuxBackend === 'basic_text') {
    return `no system keyring (GNOME Keyring, KWallet) is available, so secret keys would be stored as plain text: ${instead}`;
  }
  if (!encryptionAvailable) return `the system cannot encrypt secret keys here: ${instead}`;
  return undefined;
}
