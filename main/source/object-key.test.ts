import { describe, expect, it } from 'vitest';
import { MAX_KEY_BYTES, objectKeyFor } from './object-key.ts';

function problemOf(prefix: string, relPath: string): string {
  const result = objectKeyFor(prefix, relPath);
  if (!('problem' in result)) throw new Error(`expected a problem, got the key ${JSON.stringify(result.key)}`);
  return result.problem;
}

describe('objectKeyFor', () => {
  it('joins the prefix as given and the relative path', () => {
    expect(objectKeyFor('p/', 'sub/a.jpg')).toEqual({ key: 'p/sub/a.jpg' });
    expect(objectKeyFor('', 'a.jpg')).toEqual({ key: 'a.jpg' });
    // No slash is added: `upload dir s3://b/p/` gives the prefix `p/`; what `s3://b/p` means is the caller's choice.
    expect(objectKeyFor('p', 'a.jpg')).toEqual({ key: 'pa.jpg' });
  });

  it('keeps unicode, spaces and punctuation as they are', () => {
    for (const name of ['café.txt', '日本/写真 1.jpg', '\u{1F600} smile.png', 'a b  c', "it's (1) [2] {3} #4 %5 &6 +7 =8 ?9.txt", 'e\u0301.txt']) {
      expect(objectKeyFor('p/', name)).toEqual({ key: `p/${name}` });
    }
  });

  it('refuses an empty name', () => {
    expect(problemOf('p/', '')).toMatch(/empty name/);
  });

  it('refuses names that were not valid UTF-8 (U+FFFD) and lone surrogates', () => {
    expect(problemOf('p/', 'bad\uFFFDname.txt')).toMatch(/not valid UTF-8.*cannot be reproduced/);
    expect(problemOf('p/', 'a\uD800b')).toMatch(/unpaired UTF-16 surrogate/);
    expect(problemOf('p/', 'a\uDC00')).toMatch(/unpaired UTF-16 surrogate/);
    expect(problemOf('p/', '\uDE00\uD83D')).toMatch(/unpaired/);
    // A proper pair is fine.
    expect(objectKeyFor('p/', '\uD83D\uDE00')).toEqual({ key: 'p/\u{1F600}' });
    // The prefix is part of the key and checked too.
    expect(problemOf('\uD800/', 'a')).toMatch(/surrogate/);
  });

  it('refuses control characters U+0000–U+001F and U+007F, naming the first', () => {
    expect(problemOf('p/', 'a\nb')).toBe('the name holds the control character U+000A, which S3 keys cannot carry reliably');
    expect(problemOf('p/', 'a\u0000')).toMatch(/U\+0000/);
    expect(problemOf('p/', 'tab\there')).toMatch(/U\+0009/);
    expect(problemOf('p/', 'x\u001F')).toMatch(/U\+001F/);
    expect(problemOf('p/', 'del\u007F')).toMatch(/U\+007F/);
    // U+0080–U+009F (C1) and U+00A0 pass: UTF-8 carries them and XML 1.0 allows them.
    expect(objectKeyFor('p/', 'a\u0080\u00A0b')).toEqual({ key: 'p/a\u0080\u00A0b' });
  });

  it('refuses keys over 1024 bytes of UTF-8, counting bytes, not characters', () => {
    expect(MAX_KEY_BYTES).toBe(1024);
    expect(objectKeyFor('p/', 'a'.repeat(1022))).toEqual({ key: `p/${'a'.repeat(1022)}` });
    expect(problemOf('p/', 'a'.repeat(1023))).toBe('the object key would be 1025 bytes in UTF-8; S3 allows at most 1024');
    // é is 2 bytes: 512 of them are 1024 bytes but only 512 characters.
    expect(objectKeyFor('', 'é'.repeat(512))).toEqual({ key: 'é'.repeat(512) });
    expect(problemOf('', `${'é'.repeat(512)}x`)).toMatch(/1025 bytes/);
    // 日 is 3 bytes, an emoji 4.
    expect(problemOf('', '日'.repeat(342))).toMatch(/1026 bytes/);
    expect(objectKeyFor('', '\u{1F600}'.repeat(256))).toHaveProperty('key');
    expect(problemOf('', '\u{1F600}'.repeat(257))).toMatch(/1028 bytes/);
  });
});
