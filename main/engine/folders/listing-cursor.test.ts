import { describe, expect, it } from 'vitest';
import { compareKeys, justBefore, ListingCursor } from './listing-cursor.ts';
import type { ListingPage } from './listing-cursor.ts';

const object = (key: string) => ({ key, size: 1, etag: `"${key}"` });

/** A listing of these keys in pages of `size`, counting the pages asked for. */
function pages(keys: string[], size: number) {
  const sorted = [...keys].sort(compareKeys);
  const asked: Array<string | undefined> = [];
  const startedAfter: Array<string | undefined> = [];
  const fetch = async (token: string | undefined, startAfter?: string): Promise<ListingPage> => {
    asked.push(token);
    if (token === undefined) startedAfter.push(startAfter);
    // As S3: StartAfter only without a token, and exclusive.
    const firstAfter = startAfter === undefined ? 0 : sorted.findIndex((key) => compareKeys(key, startAfter) > 0);
    const start = token === undefined ? (firstAfter < 0 ? sorted.length : firstAfter) : Number(token);
    const end = start + size;
    return { objects: sorted.slice(start, end).map(object), ...(end < sorted.length ? { nextToken: String(end) } : {}) };
  };
  return { fetch, asked, startedAfter };
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

  it('starts the listing at the first key asked for, not at the first object (a resume half-way through a big folder)', async () => {
    const keys = Array.from({ length: 5000 }, (_, index) => `photos/d${String(Math.floor(index / 100)).padStart(3, '0')}/f${String(index).padStart(5, '0')}.jpg`);
    const listing = pages(keys, 1000);
    const cursor = new ListingCursor(listing.fetch);
    expect((await cursor.find('photos/d025/f02500.jpg'))?.key).toBe('photos/d025/f02500.jpg');
    expect((await cursor.find('photos/d025/f02501.jpg'))?.key).toBe('photos/d025/f02501.jpg');
    expect(listing.startedAfter).toEqual(['photos/d025/f02500.jp']);
    expect(listing.asked).toEqual([undefined]);
    // Everything after it is still found, page by page.
    expect((await cursor.find('photos/d049/f04999.jpg'))?.key).toBe('photos/d049/f04999.jpg');
    expect(listing.asked).toHaveLength(3);
  });

  it('starts after the key less its last character, so the key itself and everything after are listed', () => {
    expect(justBefore('a/b.txt')).toBe('a/b.tx');
    expect(compareKeys(justBefore('a/b.txt') as string, 'a/b.txt')).toBeLessThan(0);
    expect(justBefore('dir/\u{1F600}')).toBe('dir/');
    expect(justBefore('x')).toBeUndefined();
  });
});
