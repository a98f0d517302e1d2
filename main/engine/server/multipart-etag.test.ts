import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { multipartEtag } from './multipart-etag.ts';

const md5Hex = (text: string): string => createHash('md5').update(text).digest('hex');

/** The S3 rule written out independently: MD5 over the concatenated 16-byte binary digests, then "-N". */
function expectedEtag(parts: string[]): string {
  const concatenated = Buffer.concat(parts.map((part) => createHash('md5').update(part).digest()));
  return `${createHash('md5').update(concatenated).digest('hex')}-${parts.length}`;
}

describe('multipartEtag', () => {
  it('is the MD5 of the binary part MD5s followed by the part count', () => {
    const parts = ['first part', 'second part', 'third'];
    expect(multipartEtag(parts.map(md5Hex))).toBe(expectedEtag(parts));
  });

  it('matches a known S3 value for a single part', () => {
    // md5("a") = 0cc175b9c0f1b6a831c399e269772661; md5 of its 16 bytes, computed independently:
    const single = createHash('md5').update(Buffer.from('0cc175b9c0f1b6a831c399e269772661', 'hex')).digest('hex');
    expect(multipartEtag(['0cc175b9c0f1b6a831c399e269772661'])).toBe(`${single}-1`);
  });

  it('depends on part order', () => {
    const a = md5Hex('a');
    const b = md5Hex('b');
    expect(multipartEtag([a, b])).not.toBe(multipartEtag([b, a]));
  });

  it('is not the plain MD5 of the hex strings (binary digests are hashed)', () => {
    const parts = [md5Hex('x'), md5Hex('y')];
    const wrong = `${createHash('md5').update(parts.join('')).digest('hex')}-2`;
    expect(multipartEtag(parts)).not.toBe(wrong);
  });

  it('is undefined when any MD5 is missing, or there are no parts', () => {
    expect(multipartEtag([md5Hex('a'), null, md5Hex('c')])).toBeUndefined();
    expect(multipartEtag([md5Hex('a'), ''])).toBeUndefined();
    expect(multipartEtag([])).toBeUndefined();
  });
});
