import { describe, expect, it } from 'vitest';
import { compareKeys, ListingCursor } from './listing-cursor.ts';
import type { ListingPage } from './listing-cursor.ts';

const object = (key: string) => ({ key, size: 1, etag: `"${key}"` });

/** A listing of these keys in pages of `size`, counting the pages asked for. */
function pages(keys: string[], size: number) {
  const sorted = [...keys].sort(compareKeys);
  const asked: Array<string | undefined> = [];
  const fetch = async (token: string | undefined): Promise<ListingPage> => {
    asked.push(token);
    const start = token === undefined ? 0 : Number(token);
    const end = start + size;
    return { objects: sorted.slice(start, end).map(object), ...(end < sorted.length ? { nextToken: String(end) } : {}) };
  };
  return { fetch, asked };
}

describe('ListingCursor', () => {
  it('finds keys page by page, fetching a page only when a key is past the one held', async () => {
    const listing = pages(['a', 'b', 'c', 'd', 'e', 'f', 'g'], 3);
    const cursor = new ListingCursor(listing.fetch);
    expect(await cursor.find('a')).toEqual(object('a'));
    expect(listing.asked).toEqual([undefined]);
    expect(await cursor.find('bb')).toBeUndefined();
    expect(await cursor.find('e')).toEqual(object('e'));
    expect(listing.asked).toEqual([undefined, '3']);
    expect(await cursor.find('z')).toBeUndefined();
    expect(await cursor.find('zz')).toBeUndefined();
    expect(listing.asked).toEqual([undefined, '3', '6']);
  });

  it('serves concurrent lookups in the order they were asked', async () => {
    const listing = pages(['k1', 'k2', 'k3', 'k4'], 1);
    const cursor = new ListingCursor(listing.fetch);
    const found = await Promise.all(['k1', 'k2', 'k3', 'missing'].map((key) => cursor.find(key)));
    expect(found.map((entry) => entry?.key)).toEqual(['k1', 'k2', 'k3', undefined]);
  });

  it('orders keys by their UTF-8 bytes, as S3 lists them (not by UTF-16 units)', async () => {
    // In UTF-16 units U+1F600 (the pair 0xD83D 0xDE00) sorts before U+FF5E; in UTF-8 bytes (F0 … against EF …) after it. S3 goes by the bytes.
    const keys = ['\u{FF5E}', '\u{1F600}', 'é', 'z'];
    const listing = pages(keys, 2);
    const cursor = new ListingCursor(listing.fetch);
    for (const key of [...keys].sort(compareKeys)) expect((await cursor.find(key))?.key).toBe(key);
    expect(compareKeys('\u{FF5E}', '\u{1F600}')).toBeLessThan(0);
  });

  it('an empty listing answers every key with nothing, after one request', async () => {
    const listing = pages([], 10);
    const cursor = new ListingCursor(listing.fetch);
    expect(await cursor.find('a')).toBeUndefined();
    expect(await cursor.find('b')).toBeUndefined();
    expect(listing.asked).toEqual([undefined]);
  });
});
