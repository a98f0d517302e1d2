import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EncryptedFileSecretStore } from './secret-store.ts';
import type { Cipher } from './secret-store.ts';

/** Not encryption: reversible and visibly different, which is all these tests need of the OS's cipher. */
const cipher: Cipher = {
  encrypt: (plain) => Buffer.from(`enc:${plain}`),
  decrypt: (encrypted) => encrypted.toString().replace(/^enc:/, ''),
};

function storeIn(name: string): { file: string; store: EncryptedFileSecretStore } {
  const file = join(mkdtempSync(join(tmpdir(), 'hoist-secrets-')), name);
  return { file, store: new EncryptedFileSecretStore(file, cipher) };
}

describe('EncryptedFileSecretStore', () => {
  it('keeps each target’s key, encrypted, in a 0600 file, and deletes one without the others', () => {
    const { file, store } = storeIn('secrets.json');
    expect(store.get('a')).toBeUndefined();
    store.set('a', 'secret-a');
    store.set('b', 'secret-b');
    expect([store.get('a'), store.get('b')]).toEqual(['secret-a', 'secret-b']);
    expect(readFileSync(file, 'utf8')).not.toContain('secret-a');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.delete('a');
    expect([store.get('a'), store.get('b')]).toEqual([undefined, 'secret-b']);
  });

  it('a damaged file is never replaced: set and delete refuse, naming it, and leave every byte as it was', () => {
    const { file, store } = storeIn('secrets.json');
    store.set('a', 'secret-a');
    const damaged = `${readFileSync(file, 'utf8').slice(0, -3)}`;
    writeFileSync(file, damaged);
    expect(() => store.set('b', 'secret-b')).toThrow(/secret keys in .*secrets\.json are damaged .*nothing was changed/);
    expect(() => store.delete('a')).toThrow(/nothing was changed/);
    expect(readFileSync(file, 'utf8')).toBe(damaged);
    expect(store.get('a')).toBeUndefined();
  });

  it('JSON that is not a map of keys counts as damaged too', () => {
    const { file, store } = storeIn('secrets.json');
    for (const text of ['[]', 'null', '{"a": 3}']) {
      writeFileSync(file, text);
      expect(() => store.set('b', 'x')).toThrow(/damaged/);
      expect(readFileSync(file, 'utf8')).toBe(text);
    }
  });

  it('a file that cannot be read at all (here a folder in its place) is refused with the reason, and nothing is written', () => {
    const { file, store } = storeIn('secrets.json');
    mkdirSync(file);
    expect(() => store.set('a', 'secret-a')).toThrow(/secret keys in .*secrets\.json cannot be read \(.*EISDIR.*\); nothing was changed/);
    expect(statSync(file).isDirectory()).toBe(true);
  });
});
