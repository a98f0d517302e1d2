import { describe, expect, it } from 'vitest';
import { unquoteEtag } from './etag.ts';

describe('unquoteEtag', () => {
  it('strips quotes and the weak prefix and lower-cases', () => {
    expect(unquoteEtag('"ABCDEF"')).toBe('abcdef');
    expect(unquoteEtag('W/"abc-3"')).toBe('abc-3');
    expect(unquoteEtag('abc')).toBe('abc');
  });
  it('treats a missing ETag as empty', () => {
    expect(unquoteEtag(null)).toBe('');
    expect(unquoteEtag(undefined)).toBe('');
  });
});
