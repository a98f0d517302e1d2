import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SECRETS_FILE, createSecretStore } from './secrets.ts';
import { fake, resetFakeElectron } from './testing/fake-electron.ts';

vi.mock('electron', async () => (await import('./testing/fake-electron.ts')).electronModule);

const platform = process.platform;
let stateDir: string;
const logged: string[] = [];

beforeEach(async () => {
  resetFakeElectron();
  logged.length = 0;
  stateDir = await mkdtemp(join(tmpdir(), 'hoist-secrets-'));
});

afterEach(async () => {
  Object.defineProperty(process, 'platform', { value: platform });
  await rm(stateDir, { recursive: true, force: true });
});

const store = () => createSecretStore(stateDir, (m) => logged.push(m));

describe('secret keys in the Electron host', () => {
  it('are stored encrypted by safeStorage, never as the plain key', async () => {
    Object.defineProperty(process, 'platform', { value: 'linux' });
    const secrets = store();
    expect(secrets.kind).toBe('encrypted');
    secrets.set('t1', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(secrets.get('t1')).toBe('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    const file = await readFile(join(stateDir, SECRETS_FILE), 'utf8');
    expect(file).not.toContain('wJalrXUtnFEMI');
    expect(Buffer.from((JSON.parse(file) as Record<string, string>).t1!, 'base64').toString()).toBe('enc:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    expect(logged).toEqual([]);
  });

  it('are refused, saying why, when Linux has only basic_text (plain text) storage', () => {
    Object.defineProperty(process, 'platform', { value: 'linux' });
    fake.storageBackend = 'basic_text';
    const secrets = store();
    expect(secrets.kind).toBe('unavailable');
    expect(() => secrets.set('t1', 'secret')).toThrow(/plain text/);
    expect(logged).toEqual([expect.stringMatching(/^secret keys cannot be stored: no system keyring/)]);
  });

  it('are refused when the OS cannot encrypt at all, on any platform', () => {
    for (const os of ['darwin', 'win32', 'linux'] as const) {
      Object.defineProperty(process, 'platform', { value: os });
      fake.encryptionAvailable = false;
      const secrets = store();
      expect(secrets.kind, os).toBe('unavailable');
      expect(() => secrets.set('t1', 'secret')).toThrow(/cannot encrypt/);
    }
  });
});
