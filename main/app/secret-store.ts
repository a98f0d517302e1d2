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

  /** Undefined as well when the file cannot be read: the target then has no stored key (see set for why that is not written back). */
  get(targetId: string): string | undefined {
    let all: Record<string, string>;
    try {
      all = this.read();
    } catch {
      return undefined;
    }
    const encrypted = all[targetId];
    return encrypted === undefined ? undefined : this.cipher.decrypt(Buffer.from(encrypted, 'base64'));
  }

  /**
   * Rewrites the whole file: so it first reads every other target's key, and
   * a file it cannot read (damaged, unreadable, not a file) stops it with the
   * reason instead of being replaced by this one key, which would drop all
   * the others. The file is left as it is for the user to repair or move.
   */
  set(targetId: string, secret: string): void {
    this.write({ ...this.read(), [targetId]: this.cipher.encrypt(secret).toString('base64') });
  }

  delete(targetId: string): void {
    const all = this.read();
    delete all[targetId];
    this.write(all);
  }

  /** Every stored key; {} only when there is no file yet. Throws, naming the file, when it cannot be read. */
  private read(): Record<string, string> {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw new Error(`the saved secret keys in ${this.file} cannot be read (${(error as Error).message}); nothing was changed: repair or move the file, then try again`, { cause: error });
    }
    const keys = keysIn(text);
    if (!keys) throw new Error(`the saved secret keys in ${this.file} are damaged (not the JSON Hoist writes); nothing was changed: repair or move the file, then try again`);
    return keys;
  }

  private write(all: Record<string, string>): void {
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(all), { mode: 0o600 });
    renameSync(temp, this.file);
  }
}

/** The file's map of target id → ciphertext, or undefined when the text is not one. */
function keysIn(text: string): Record<string, string> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  const isMap = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((value) => typeof value === 'string');
  return isMap ? (parsed as Record<string, string>) : undefined;
}
