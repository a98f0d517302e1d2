import { readFileSync, renameSync, writeFileSync } from 'node:fs';

/**
 * Where typed secret keys live. Only main ever sees them: the renderer learns
 * whether a secret is stored, never its value, and nothing logs it.
 */
export interface SecretStore {
  readonly kind: 'encrypted' | 'unavailable';
  get(targetId: string): string | undefined;
  set(targetId: string, secret: string): void;
  delete(targetId: string): void;
}

/** Headless mode, or an OS without a keyring: typed secrets are refused, profiles and env vars still work. */
export class UnavailableSecretStore implements SecretStore {
  readonly kind = 'unavailable';
  constructor(private readonly why: string) {}
  get(): undefined {
    return undefined;
  }
  set(): void {
    throw new Error(this.why);
  }
  delete(): void {}
}

export interface Cipher {
  encrypt(plain: string): Buffer;
  decrypt(encrypted: Buffer): string;
}

/**
 * Secrets encrypted by the OS (Electron's safeStorage supplies the cipher),
 * kept in one file of base64 ciphertexts, written atomically with mode 0600.
 */
export class EncryptedFileSecretStore implements SecretStore {
  readonly kind = 'encrypted';
  constructor(
    private readonly file: string,
    private readonly cipher: Cipher,
  ) {}

  get(targetId: string): string | undefined {
    const encrypted = this.read()[targetId];
    return encrypted === undefined ? undefined : this.cipher.decrypt(Buffer.from(encrypted, 'base64'));
  }

  set(targetId: string, secret: string): void {
    this.write({ ...this.read(), [targetId]: this.cipher.encrypt(secret).toString('base64') });
  }

  delete(targetId: string): void {
    const all = this.read();
    delete all[targetId];
    this.write(all);
  }

  private read(): Record<string, string> {
    try {
      return JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
    } catch {
      return {};
    }
  }

  private write(all: Record<string, string>): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(all), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}
