import { mkdirSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { localFolderLister } from '../../source/folder-lister.ts';
import { FileSource } from '../../source/file-source.ts';
import { SqliteFolderStore } from '../../store/sqlite-folder-store.ts';
import { LOCATION, MiB, TARGET, useEngineFixture } from '../testing/engine-fixture.ts';
import { MemoryObjectStore } from '../testing/memory-object-store.ts';
import { FolderUploads } from './folder-uploads.ts';

// A folder sent with if-exists 'ask' (the app's folders) against the in-memory
// S3 server: a file whose key holds a different object is not sent but waits
// for the user, who overwrites exactly the objects shown or keeps them.

const f = useEngineFixture();
const BUCKET = LOCATION.bucket;

function folderUploads(): FolderUploads {
  return new FolderUploads({
    engine: f.newEngine(),
    folders: new SqliteFolderStore(f.store.database),
    capabilities: f.store,
    lister: localFolderLister,
    source: new FileSource(),
    clock: { now: () => Date.now(), sleep: async () => undefined },
    log: () => undefined,
  });
}

function writeFolder(files: Record<string, Buffer>): string {
  const root = join(f.dir, 'folder');
  for (const [relPath, content] of Object.entries(files)) {
    mkdirSync(join(root, relPath, '..'), { recursive: true });
    writeFileSync(join(root, relPath), content);
  }
  return root;
}

/** An object put at the key by someone else (not through the folder, nor counted by sentKeys). */
const putOther = (key: string, body: Buffer) => MemoryObjectStore.prototype.putObject.call(f.s3, { bucket: BUCKET, key }, body, {});

/** The keys the folder sends from now on (PutObject for small files, CreateMultipartUpload for big ones). */
function sentKeys(): string[] {
  const keys: string[] = [];
  const put = f.s3.putObject.bind(f.s3);
  f.s3.putObject = async (location, ...rest) => (keys.push(location.key), put(location, ...rest));
  const create = f.s3.createMultipartUpload.bind(f.s3);
  f.s3.createMultipartUpload = async (location, ...rest) => (keys.push(location.key), create(location, ...rest));
  return keys;
}

const body = (key: string) => f.s3.getObject({ bucket: BUCKET, key })?.body;

async function askingFolder(files: Record<string, Buffer>) {
  const root = writeFolder(files);
  const folders = folderUploads();
  const { folder } = await folders.addFolder({ path: root, bucket: BUCKET, prefix: 'up/', target: TARGET, partSize: 5 * MiB, ifExists: 'ask' });
  return { folders, id: folder.id };
}

describe('folders that ask before overwriting a different object', () => {
  it('leaves a file whose key holds a different object differing and unsent, and counts identical ones as already there', async () => {
    const same = Buffer.from('same bytes');
    const local = { 'a-same.txt': same, 'b-bigger.txt': Buffer.alloc(3000, 1), 'c-same-size.txt': Buffer.from('local text'), 'd-new.txt': Buffer.from('new') };
    const { folders, id } = await askingFolder(local);
    await putOther('up/a-same.txt', same);
    const theirs = await putOther('up/b-bigger.txt', Buffer.from('short'));
    await putOther('up/c-same-size.txt', Buffer.from('TEXT local'));
    const keys = sentKeys();

    const result = await folders.run(id);

    expect(result.outcome).toBe('asking');
    expect(result.error).toMatch(/^2 file\(s\) differ from the objects already at their keys/);
    expect(keys).toEqual(['up/d-new.txt']);
    expect(body('up/b-bigger.txt')?.toString()).toBe('short');
    expect(body('up/c-same-size.txt')?.toString()).toBe('TEXT local');
    expect(result.totals).toMatchObject({ there: { files: 1 }, done: { files: 1 }, differs: { files: 2, bytes: 3010 }, kept: { files: 0 } });
    expect(folders.store.getFolder(id)).toMatchObject({ state: 'asking' });
    expect(folders.store.getFolderFile(id, 'b-bigger.txt')).toMatchObject({
      state: 'differs',
      etag: theirs.etag,
      agreedEtag: null,
      message: 'the object already at its key is 5 B, the file 2.9 KiB (s3://bucket/up/b-bigger.txt)',
    });
    expect(folders.store.getFolderFile(id, 'c-same-size.txt')?.message).toBe('the object already at its key is the same size (10 B), with different content (s3://bucket/up/c-same-size.txt)');
    // Another run changes nothing: the files wait for the user, not for a retry.
    expect((await folders.run(id)).outcome).toBe('asking');
    expect(keys).toEqual(['up/d-new.txt']);
  });

  it('overwrite sends exactly the differing files, over the objects shown, and the folder completes', async () => {
    const local = { 'a.txt': Buffer.from('mine a'), 'b.txt': Buffer.from('mine b'), 'big.bin': randomBytes(6 * MiB), 'c.txt': Buffer.from('mine c') };
    const { folders, id } = await askingFolder(local);
    await putOther('up/a.txt', Buffer.from('theirs a'));
    await putOther('up/big.bin', Buffer.from('theirs big'));
    await putOther('up/c.txt', Buffer.from('mine c'));
    expect((await folders.run(id)).totals).toMatchObject({ differs: { files: 2 }, there: { files: 1 }, done: { files: 1 } });
    const keys = sentKeys();

    expect(folders.settleDiffering(id, 'overwrite')).toBe(2);
    expect(folders.store.getFolderFile(id, 'a.txt')).toMatchObject({ state: 'pending', agreedEtag: folders.store.getFolderFile(id, 'a.txt')?.etag });
    const result = await folders.run(id);

    expect(result.outcome).toBe('completed');
    expect(keys.sort()).toEqual(['up/a.txt', 'up/big.bin']);
    for (const [relPath, content] of Object.entries(local)) f.expectObjectEquals(content, `up/${relPath}`);
    expect(result.totals).toMatchObject({ done: { files: 3 }, there: { files: 1 }, differs: { files: 0 } });
    // The agreement is used up once the file is sent.
    expect(folders.store.getFolderFile(id, 'a.txt')?.agreedEtag).toBeNull();
    expect(folders.store.getFolder(id)?.state).toBe('completed');
  });

  it('an object replaced again after the user was shown it goes back to differing, unsent, until the user agrees to that one', async () => {
    const { folders, id } = await askingFolder({ 'a.txt': Buffer.from('mine') });
    await putOther('up/a.txt', Buffer.from('first other'));
    await folders.run(id);
    folders.settleDiffering(id, 'overwrite');
    const newer = await putOther('up/a.txt', Buffer.from('second other, longer'));
    const keys = sentKeys();

    const result = await folders.run(id);

    expect(result.outcome).toBe('asking');
    expect(keys).toEqual([]);
    expect(body('up/a.txt')?.toString()).toBe('second other, longer');
    expect(folders.store.getFolderFile(id, 'a.txt')).toMatchObject({
      state: 'differs',
      etag: newer.etag,
      agreedEtag: null,
      message: 'replaced since you chose to overwrite it: the object already at its key is 20 B, the file 4 B (s3://bucket/up/a.txt)',
    });

    // Agreed to again, and replaced once more just before the file goes (after the run listed the prefix): asked again.
    folders.settleDiffering(id, 'overwrite');
    const head = f.s3.headObject.bind(f.s3);
    f.s3.headObject = async (location, signal) => {
      if (location.key === 'up/a.txt' && body('up/a.txt')?.toString() !== 'third') await putOther('up/a.txt', Buffer.from('third'));
      return head(location, signal);
    };
    expect((await folders.run(id)).outcome).toBe('asking');
    expect(keys).toEqual([]);
    expect(body('up/a.txt')?.toString()).toBe('third');

    folders.settleDiffering(id, 'overwrite');
    expect((await folders.run(id)).outcome).toBe('completed');
    expect(keys).toEqual(['up/a.txt']);
    expect(body('up/a.txt')?.toString()).toBe('mine');
  });

  it('skip keeps the server’s objects: the files are settled as kept, counted apart, and the folder completes without sending them', async () => {
    const { folders, id } = await askingFolder({ 'a.txt': Buffer.from('mine a'), 'b.txt': Buffer.from('mine b') });
    await putOther('up/a.txt', Buffer.from('theirs a'));
    await folders.run(id);
    const keys = sentKeys();

    expect(folders.settleDiffering(id, 'skip')).toBe(1);
    const result = await folders.run(id);

    expect(result.outcome).toBe('completed');
    expect(keys).toEqual([]);
    expect(body('up/a.txt')?.toString()).toBe('theirs a');
    expect(result.totals).toMatchObject({ kept: { files: 1, bytes: 6 }, done: { files: 1 }, there: { files: 0 }, differs: { files: 0 } });
    expect(folders.store.getFolderFile(id, 'a.txt')).toMatchObject({ state: 'kept', message: 'kept the object already at its key; the file was not sent (s3://bucket/up/a.txt)' });
    expect(folders.settleDiffering(id, 'overwrite')).toBe(0);
  });

  it('a differing file edited before the user chooses still waits: the object found is not taken for one the folder sent', async () => {
    const { folders, id } = await askingFolder({ 'a.txt': Buffer.from('mine') });
    await putOther('up/a.txt', Buffer.from('theirs'));
    await folders.run(id);
    writeFileSync(join(f.dir, 'folder', 'a.txt'), 'mine, edited');
    const keys = sentKeys();

    expect((await folders.run(id, 'restart')).outcome).toBe('asking');

    expect(keys).toEqual([]);
    expect(body('up/a.txt')?.toString()).toBe('theirs');
    folders.settleDiffering(id, 'overwrite');
    expect((await folders.run(id)).outcome).toBe('completed');
    expect(body('up/a.txt')?.toString()).toBe('mine, edited');
  });

  it('a file changed after it was sent goes again over its own object without asking', async () => {
    const { folders, id } = await askingFolder({ 'a.txt': Buffer.from('version 1') });
    expect((await folders.run(id)).outcome).toBe('completed');
    writeFileSync(join(f.dir, 'folder', 'a.txt'), 'version 2, longer');

    const result = await folders.run(id, 'restart');

    expect(result).toMatchObject({ outcome: 'completed', totals: { done: { files: 1 }, differs: { files: 0 } } });
    expect(body('up/a.txt')?.toString()).toBe('version 2, longer');
  });
});
