import { describe, expect, it } from 'vitest';
import { secretStorageProblem } from './secret-choice.ts';

describe('secretStorageProblem', () => {
  it('accepts an OS keyring', () => {
    expect(secretStorageProblem({ platform: 'darwin', encryptionAvailable: true })).toBeUndefined();
    expect(secretStorageProblem({ platform: 'win32', encryptionAvailable: true })).toBeUndefined();
    for (const linuxBackend of ['gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6']) {
      expect(secretStorageProblem({ platform: 'linux', encryptionAvailable: true, linuxBackend })).toBeUndefined();
    }
  });

  it('refuses Linux without a keyring even though safeStorage says encryption works', () => {
    expect(secretStorageProblem({ platform: 'linux', encryptionAvailable: true, linuxBackend: 'basic_text' })).toMatch(/plain text.*AWS profile/);
  });

  it('refuses when encryption is not available', () => {
    expect(secretStorageProblem({ platform: 'darwin', encryptionAvailable: false })).toMatch(/cannot encrypt.*AWS profile/);
    expect(secretStorageProblem({ platform: 'linux', encryptionAvailable: false, linuxBackend: 'unknown' })).toMatch(/cannot encrypt/);
  });
});
