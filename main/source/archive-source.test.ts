import { appendFileSync, closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, utimesSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../engine/errors.ts';
import type { ByteReader } from '../engine/ports/byte-source.ts';
import { ArchiveSource, describeArchive } from './archive-source.ts';
import { parseSnapshot, snapshotDigest } from './folder-snapshot.ts';
import { entryAt } from './tar-layout.ts';
import {
  BASE_SECONDS,
  LONG_LINK_TARGET,
  LONG_PATH,
  MiB,
  UNICODE_NAME,
  VERY_LONG_PATH,
  describeTree,
  isRoot,
  makeSampleFolder,
  runTar,
  useTempDir,
} from './testing/folder-fixture.ts';

const tempDir = useTempDir('hoist-archive-');

/** The whole archive, read in chunks of the given sizes (cycled). */
async function readAll(reader: ByteReader, size: number, chunks: number[] = [size]): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (let turn = 0; offset < size; turn += 1) {
    const length = Math.min(chunks[turn % chunks.length] as number, size - offset);
    parts.push(await reader.read(offset, length));
    offset += length;
  }
  return Buffer.concat(parts);
}

async function generate(source: ArchiveSource, dir: string, chunks?: number[]): Promise<Buffer> {
  const { size } = await source.stat(dir);
  const reader = await source.open(dir);
  try {
    return await readAll(reader, size, chunks);
  } finally {
    await reader.close();
  }
}

async function changedError(promise: Promise<unknown>): Promise<SourceError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SourceError);
  expect((error as SourceError).code).toBe('changed');
  return error as SourceError;
}

describe('ArchiveSource with GNU tar', () => {
  it('makes an archive that GNU tar lists and extracts to the same files, folders and links', async () => {
    const root = makeSampleFolder(tempDir());
    const archive = join(tempDir(), 'photos.tar');
    writeFileSync(archive, await generate(new ArchiveSource(), root));

    const listed = runTar(['--list', '--quoting-style=literal', '-f', archive]).trim().split('\n');
    expect(listed).toEqual(expect.arrayContaining(['photos/', 'photos/empty.txt', 'photos/empty-dir/', `photos/${UNICODE_NAME}`, `photos/${LONG_PATH}`, `photos/${VERY_LONG_PATH}`]));
    expect(listed).toHaveLength(Object.keys(describeTree(root)).length);

    const out = join(tempDir(), 'out');
    mkdirSync(out);
    runTar(['--extract', '--same-permissions', '-f', archive, '-C', out]);
    const extracted = describeTree(join(out, 'photos'));
    expect(extracted).toEqual(describeTree(root));
    expect(extracted[`${LONG_PATH}`]).toMatchObject({ kind: 'file', size: 5 });
    expect(extracted['long-link']).toMatchObject({ kind: 'symlink', linkTarget: LONG_LINK_TARGET });
    expect(extracted['empty-dir']).toMatchObject({ kind: 'dir' });
    expect(extracted['sub/loop']).toMatchObject({ kind: 'symlink', linkTarget: '../../photos' });
    expect(extracted['.']?.mtimeSeconds).toBeGreaterThan(BASE_SECONDS);

    // tar --compare also checks owners; the archive says 0/0, which the files have only when root made them.
    if (isRoot()) runTar(['--compare', '-f', archive], tempDir());
  });

  it('a sparse 9 GiB file goes in with a PAX size: headers around it read right, without reading 9 GiB', async () => {
    const root = join(tempDir(), 'huge');
    mkdirSync(root);
    const bigSize = 9 * 1024 ** 3;
    writeFileSync(join(root, 'a-before.txt'), 'before\n');
    writeFileSync(join(root, 'big.img'), '');
    truncateSync(join(root, 'big.img'), bigSize - 5);
    appendFileSync(join(root, 'big.img'), 'TAIL!');
    writeFileSync(join(root, 'z-after.txt'), 'after\n');
    const source = new ArchiveSource();
    const { layout } = await describeArchive(root);
    const big = layout.entries.find((item) => item.entry.path === 'huge/big.img');
    expect(big?.headerSize).toBe(3 * 512); // PAX header, its records, ustar header
    // The folder, a-before.txt, big.img (its content a whole number of blocks), z-after.txt, the end blocks.
    expect(layout.totalSize).toBe(512 + 1024 + 1536 + bigSize + 1024 + 1024);
    expect((await source.stat(root)).size).toBe(layout.totalSize);

    // An archive file with the same holes: every header and content written at its offset, except
    // the big file's, of which only the last block is read (a forward jump over 9 GiB).
    const reader = await source.open(root);
    const archive = join(tempDir(), 'huge.tar');
    writeFileSync(archive, '');
    truncateSync(archive, layout.totalSize);
    const fd = openSync(archive, 'r+');
    const copy = async (offset: number, length: number): Promise<Uint8Array> => {
      const bytes = await reader.read(offset, length);
      writeSync(fd, bytes, 0, length, offset);
      return bytes;
    };
    try {
      for (const item of layout.entries) {
        await copy(item.headerOffset, item.headerSize);
        const from = item === big ? item.end - 512 : item.dataOffset;
        const content = await copy(from, item.end - from);
        if (item === big) expect(Buffer.from(content.subarray(507)).toString()).toBe('TAIL!');
      }
      expect((await copy(layout.endOfArchiveOffset, 1024)).every((byte) => byte === 0)).toBe(true);
    } finally {
      closeSync(fd);
      await reader.close();
    }

    const listed = runTar(['--list', '--verbose', '-f', archive]);
    expect(listed).toMatch(new RegExp(`^-rw-r--r-- 0/0 +${bigSize} .* huge/big\\.img$`, 'm'));
    // Extracting the file after the big one proves every offset past 9 GiB (tar seeks over the holes).
    const out = join(tempDir(), 'out');
    mkdirSync(out);
    runTar(['--extract', '-f', archive, '-C', out, 'huge/z-after.txt']);
    expect(readFileSync(join(out, 'huge', 'z-after.txt'), 'utf8')).toBe('after\n');
  });
});

describe('ArchiveSource bytes', () => {
  it('knows its size before the first byte, and produces exactly that many', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const stat = await source.stat(root);
    const { layout } = await describeArchive(root);
    expect(stat.size).toBe(layout.totalSize);
    const bytes = await generate(source, root);
    expect(bytes.length).toBe(stat.size);
    expect(bytes.length % 512).toBe(0);
    expect(bytes.subarray(-1024).every((byte) => byte === 0)).toBe(true);
    await expect((await source.open(root)).read(stat.size - 10, 11)).rejects.toThrow(RangeError);
  });

  it('is deterministic: two generations are byte-identical, and another mtime gives other bytes', async () => {
    const root = makeSampleFolder(tempDir());
    const first = await generate(new ArchiveSource(), root);
    const second = await generate(new ArchiveSource(), root);
    expect(second.equals(first)).toBe(true);

    utimesSync(join(root, 'a.txt'), BASE_SECONDS + 1000, BASE_SECONDS + 1000);
    const third = await generate(new ArchiveSource(), root);
    expect(third.length).toBe(first.length);
    const differsAt = third.findIndex((byte, index) => byte !== first[index]);
    expect(differsAt).toBeGreaterThanOrEqual(0);
    expect(entryAt((await describeArchive(root)).layout, differsAt)).toBe('photos/a.txt');
  });

  it('reads in parts of any size, across header and content boundaries, to the same bytes', async () => {
    const root = makeSampleFolder(tempDir());
    const whole = await generate(new ArchiveSource(), root);
    expect((await generate(new ArchiveSource(), root, [5 * MiB])).equals(whole)).toBe(true);
    expect((await generate(new ArchiveSource(), root, [511, 513, 1, 4097, 1_000_003, 512])).equals(whole)).toBe(true);
  });

  it('jumps forward without reading what it skips, and refuses to go back', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const whole = await generate(source, root);
    const big = (await describeArchive(root)).layout.entries.find((item) => item.entry.path === 'photos/big.bin');
    if (!big) throw new Error('no big.bin');
    const slice = (offset: number, length: number) => whole.subarray(offset, offset + length);
    const openFiles = () => readdirSync('/proc/self/fd').length;
    const filesBefore = openFiles();
    const reader = await source.open(root);

    expect(Buffer.from(await reader.read(0, 100)).equals(slice(0, 100))).toBe(true);
    const middle = big.dataOffset + 3 * MiB + 7;
    expect(Buffer.from(await reader.read(middle, 1000)).equals(slice(middle, 1000))).toBe(true);
    await expect(reader.read(middle, 10)).rejects.toThrow(/read in order: offset \d+ was asked for after the read ending at \d+/);
    // A refused read leaves the reader usable; a read at the very end of the last one is fine.
    expect(await reader.read(middle + 1000, 0)).toHaveLength(0);
    // Past the rest of big.bin, into the next header.
    const after = big.end + 100;
    expect(Buffer.from(await reader.read(after, whole.length - after)).equals(whole.subarray(after))).toBe(true);
    await reader.close();
    // big.bin, left in the middle by the jump, was closed like every other file.
    expect(openFiles()).toBe(filesBefore);
  });

  it('serves reads issued together in the order they were made', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const whole = await generate(source, root);
    const reader = await source.open(root);
    const parts = await Promise.all([reader.read(0, 5 * MiB), reader.read(5 * MiB, whole.length - 5 * MiB)]);
    expect(Buffer.concat(parts).equals(whole)).toBe(true);
    await reader.close();
  });
});

describe('ArchiveSource and changes', () => {
  it('stat() gives the archive size, the latest mtime and an id from the listing; fingerprint() names the format', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const { snapshot } = await describeArchive(root);
    const stat = await source.stat(root);
    const latest = snapshot.entries.map((entry) => BigInt(entry.mtimeNs)).reduce((a, b) => (a > b ? a : b));
    expect(stat).toMatchObject({ mtimeNs: latest.toString(), fileId: `archive:${snapshotDigest(snapshot)}` });
    expect(parseSnapshot(stat.snapshot as string)).toEqual(snapshot);
    expect(await source.fingerprint(root, stat.size)).toBe(`ustar-pax-v1:${snapshotDigest(snapshot)}`);

    writeFileSync(join(root, 'new.txt'), 'new');
    const after = await source.stat(root);
    expect(after.fileId).not.toBe(stat.fileId);
    expect(source.describeChange(stat.snapshot as string, after.snapshot as string)).toEqual(['photos/new.txt: added']);
    const a = (await describeArchive(root)).layout.entries.find((item) => item.entry.path === 'photos/a.txt');
    expect(source.describeOffset(after.snapshot as string, (a?.dataOffset ?? 0) + 2)).toBe('inside photos/a.txt');
  });

  it('open() generates the listing the last stat() saw, not one made later', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const before = await generate(source, root);
    const { size } = await source.stat(root);
    writeFileSync(join(root, 'added-after-stat.txt'), 'late');
    const reader = await source.open(root);
    expect((await readAll(reader, size)).equals(before)).toBe(true);
    await reader.close();
  });

  it('refuses a file that changed after the snapshot, naming it', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const { size } = await source.stat(root);
    appendFileSync(join(root, 'a.txt'), 'more');
    const reader = await source.open(root);
    const error = await changedError(readAll(reader, size));
    expect(error.message).toMatch(/^photos\/a\.txt changed while being read \(size 6 → 10\)/);
    // Every later read fails the same way: the rest of the archive would not match what was checked.
    await expect(reader.read(size - 1024, 10)).rejects.toBe(error);
    await reader.close();
  });

  it('refuses a file rewritten in place (same size, new mtime) and one removed', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const { size } = await source.stat(root);
    writeFileSync(join(root, 'empty.txt'), '');
    utimesSync(join(root, 'empty.txt'), BASE_SECONDS + 5000, BASE_SECONDS + 5000);
    expect((await changedError(readAll(await source.open(root), size))).message).toMatch(/^photos\/empty\.txt changed while being read \(modification time\)/);

    await source.stat(root);
    rmSync(join(root, 'sub', 'inner', 'deep.txt'));
    expect((await changedError(readAll(await source.open(root), size))).message).toMatch(/^photos\/sub\/inner\/deep\.txt changed while being read/);
  });

  it('notices a file growing or shrinking while its content is being read', async () => {
    const root = makeSampleFolder(tempDir());
    const source = new ArchiveSource();
    const { layout } = await describeArchive(root);
    const big = layout.entries.find((item) => item.entry.path === 'photos/big.bin');
    if (!big) throw new Error('no big.bin');
    const bigPath = join(root, 'big.bin');

    await source.stat(root);
    let reader = await source.open(root);
    await reader.read(0, big.dataOffset + MiB);
    appendFileSync(bigPath, 'grown');
    expect(big.size).toBe(6 * MiB + 1234);
    expect((await changedError(reader.read(big.dataOffset + MiB, big.size - MiB))).message).toMatch(/^photos\/big\.bin changed while being read \(size 6292690 → 6292695\)/);
    await reader.close();

    truncateSync(bigPath, big.size);
    utimesSync(bigPath, BASE_SECONDS, BASE_SECONDS);
    await source.stat(root);
    reader = await source.open(root);
    await reader.read(0, big.dataOffset + MiB);
    truncateSync(bigPath, 2 * MiB);
    expect((await changedError(reader.read(big.dataOffset + MiB, 2 * MiB))).message).toMatch(/^photos\/big\.bin changed while being read \(it ends at 2097152 bytes/);
    await reader.close();
  });

  it('a folder holding a link loop archives fine: the link is stored, not followed', async () => {
    const root = join(tempDir(), 'loopy');
    mkdirSync(join(root, 'a', 'b'), { recursive: true });
    symlinkSync('../../../loopy', join(root, 'a', 'b', 'up'));
    symlinkSync('loop2', join(root, 'loop1'));
    symlinkSync('loop1', join(root, 'loop2'));
    const archive = join(tempDir(), 'loopy.tar');
    writeFileSync(archive, await generate(new ArchiveSource(), root));
    expect(runTar(['--list', '-f', archive]).trim().split('\n')).toEqual(['loopy/', 'loopy/a/', 'loopy/a/b/', 'loopy/a/b/up', 'loopy/loop1', 'loopy/loop2']);
  });
});
