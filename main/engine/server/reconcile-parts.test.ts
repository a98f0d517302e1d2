import { describe, expect, it } from 'vitest';
import type { RemotePart } from '../ports/object-store.ts';
import type { PartRecord } from '../ports/records.ts';
import { reconcileParts } from './reconcile-parts.ts';
import { unquoteEtag } from '../../../shared/domain/etag.ts';

const MD5 = '0cc175b9c0f1b6a831c399e269772661';
const OTHER_MD5 = '92eb5ffee6ae2fec3ad71c777531578f';

function local(overrides: Partial<PartRecord> = {}): PartRecord {
  return {
    uploadRecordId: 'u1',
    partNumber: 1,
    offset: 0,
    size: 100,
    state: 'pending',
    etag: null,
    md5: null,
    checksum: null,
    updatedAt: 0,
    ...overrides,
  };
}

function remote(overrides: Partial<RemotePart> = {}): RemotePart {
  return { partNumber: 1, etag: `"${MD5}"`, size: 100, ...overrides };
}

describe('unquoteEtag', () => {
  it('strips quotes and the weak prefix and lower-cases', () => {
    expect(unquoteEtag(`"${MD5.toUpperCase()}"`)).toBe(MD5);
    expect(unquoteEtag(`W/"${MD5}"`)).toBe(MD5);
    expect(unquoteEtag(null)).toBe('');
    expect(unquoteEtag(undefined)).toBe('');
  });
});

describe('reconcileParts', () => {
  it('keeps a part recorded done when the server has the same ETag and size', () => {
    const decisions = reconcileParts([local({ state: 'done', etag: `"${MD5}"`, md5: MD5 })], [remote()]);
    expect(decisions).toEqual([{ partNumber: 1, action: 'keep' }]);
  });

  it('keeps a done part even when quoting and case of the ETags differ', () => {
    const decisions = reconcileParts([local({ state: 'done', etag: MD5.toUpperCase() })], [remote({ etag: `"${MD5}"` })]);
    expect(decisions).toEqual([{ partNumber: 1, action: 'keep' }]);
  });

  it('adopts an unrecorded part whose server ETag is the MD5 recorded before sending', () => {
    // The process died after the server stored the part and before markPartDone.
    const decisions = reconcileParts([local({ state: 'uploading', md5: MD5 })], [remote({ etag: `"${MD5.toUpperCase()}"` })]);
    // The server's ETag is passed on as the server wrote it: that is what Complete needs.
    expect(decisions).toEqual([{ partNumber: 1, action: 'adopt', etag: `"${MD5.toUpperCase()}"` }]);
  });

  it('adopts when the recorded MD5 is upper-case and the ETag unquoted', () => {
    const decisions = reconcileParts([local({ state: 'pending', md5: MD5.toUpperCase() })], [remote({ etag: MD5 })]);
    expect(decisions).toEqual([{ partNumber: 1, action: 'adopt', etag: MD5 }]);
  });

  describe('sends the part again', () => {
    it('when a part recorded done is missing on the server', () => {
      const [decision] = reconcileParts([local({ state: 'done', etag: `"${MD5}"`, md5: MD5 })], []);
      expect(decision).toEqual({ partNumber: 1, action: 'send', reason: 'recorded done but missing on the server' });
    });

    it('when a part never uploaded is not on the server', () => {
      const [decision] = reconcileParts([local()], []);
      expect(decision).toEqual({ partNumber: 1, action: 'send', reason: 'not uploaded' });
    });

    it('when the server copy has another size, even with matching ETag', () => {
      const [done] = reconcileParts([local({ state: 'done', etag: `"${MD5}"`, md5: MD5 })], [remote({ size: 99 })]);
      expect(done).toEqual({ partNumber: 1, action: 'send', reason: 'server has 99 bytes, expected 100' });
      const [unrecorded] = reconcileParts([local({ md5: MD5 })], [remote({ size: 101 })]);
      expect(unrecorded).toMatchObject({ action: 'send', reason: 'server has 101 bytes, expected 100' });
    });

    it('when the server ETag differs from the one recorded at done', () => {
      const [decision] = reconcileParts([local({ state: 'done', etag: `"${MD5}"`, md5: MD5 })], [remote({ etag: `"${OTHER_MD5}"` })]);
      expect(decision).toEqual({ partNumber: 1, action: 'send', reason: 'server ETag differs from the recorded one' });
    });

    it('when a part is recorded done without an ETag', () => {
      const [decision] = reconcileParts([local({ state: 'done', etag: null, md5: MD5 })], [remote()]);
      expect(decision).toMatchObject({ action: 'send', reason: 'server ETag differs from the recorded one' });
    });

    it('when no MD5 was recorded for an unfinished part: the server copy cannot be verified', () => {
      const [decision] = reconcileParts([local({ state: 'uploading', md5: null })], [remote()]);
      expect(decision).toEqual({ partNumber: 1, action: 'send', reason: 'server copy does not match the recorded MD5' });
    });

    it('when the recorded MD5 differs from the server ETag', () => {
      const [decision] = reconcileParts([local({ state: 'uploading', md5: OTHER_MD5 })], [remote()]);
      expect(decision).toEqual({ partNumber: 1, action: 'send', reason: 'server copy does not match the recorded MD5' });
    });
  });

  it('decides every local part by its own number, ignoring remote parts we do not have', () => {
    const decisions = reconcileParts(
      [
        local({ partNumber: 1, state: 'done', etag: `"${MD5}"` }),
        local({ partNumber: 2, offset: 100, md5: OTHER_MD5 }),
        local({ partNumber: 3, offset: 200 }),
      ],
      [remote({ partNumber: 2, etag: `"${OTHER_MD5}"` }), remote({ partNumber: 1 }), remote({ partNumber: 9 })],
    );
    expect(decisions.map((decision) => [decision.partNumber, decision.action])).toEqual([
      [1, 'keep'],
      [2, 'adopt'],
      [3, 'send'],
    ]);
  });
});
