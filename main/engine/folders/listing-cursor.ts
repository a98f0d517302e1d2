import type { RemoteObject } from '../ports/object-store.ts';

export type ListingPage = { objects: RemoteObject[]; nextToken?: string };

/** S3 lists keys in the byte order of their UTF-8, as SQLite orders a folder's paths: compared the same way here. */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/**
 * The objects under a folder's prefix, read a page at a time as the folder's
 * files are reached in path order: the first file is looked up after one
 * page, not after listing the whole prefix (a resume of a big folder starts
 * sending at once), and only one page is held (memory does not grow with the
 * number of objects). Keys must be asked for in non-decreasing order; the
 * lookups queue, so concurrent callers are served in the order they asked.
 * Since nothing before the first key asked can be asked for later, the
 * listing starts there (StartAfter), not at the prefix's first object: a
 * resume of a folder half sent reads the pages from where it stopped, not the
 * tens of thousands of objects already sent before its first byte.
 * A server that lists in another order only makes files look absent: they
 * are sent, never skipped wrongly.
 */
export class ListingCursor {
  private page: RemoteObject[] = [];
  private index = 0;
  private token: string | undefined;
  private started = false;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly fetch: (token: string | undefined, startAfter: string | undefined) => Promise<ListingPage>) {}

  find(key: string): Promise<RemoteObject | undefined> {
    const found = this.queue.then(() => this.advance(key));
    this.queue = found.catch(() => undefined);
    return found;
  }

  private async advance(key: string): Promise<RemoteObject | undefined> {
    for (;;) {
      while (this.index < this.page.length && compareKeys((this.page[this.index] as RemoteObject).key, key) < 0) this.index += 1;
      const here = this.page[this.index];
      if (here) return here.key === key ? here : undefined;
      if (this.started && this.token === undefined) return undefined;
      const next = await this.fetch(this.token, this.started ? undefined : justBefore(key));
      this.started = true;
      this.page = next.objects;
      this.index = 0;
      this.token = next.nextToken;
    }
  }
}

/**
 * Where a listing that must include `key` may start (StartAfter is
 * exclusive): `key` less its last character is a prefix of it, so it sorts
 * before `key` and before every key after it; the few keys between are read
 * and passed over. Undefined for a key of one character: the listing then
 * starts at the beginning.
 */
export function justBefore(key: string): string | undefined {
  const characters = [...key];
  return characters.length > 1 ? characters.slice(0, -1).join('') : undefined;
}
