import { describe, expect, it } from 'vitest';
import type { SnapshotEntry } from './folder-snapshot.ts';
import { BLOCK_SIZE, END_OF_ARCHIVE_SIZE, encodeHeader, entryAt, layoutArchive, paxRecord, wholeSeconds } from './tar-layout.ts';

// The header bytes checked field by field against the POSIX ustar layout with
// a small independent parser; GNU tar reading whole archives is in
// archive-source.test.ts.

const GiB = 1024 ** 3;

const file = (path: string, changes: Partial<SnapshotEntry> = {}): SnapshotEntry => ({
  path,
  kind: 'file',
  size: 5,
  mtimeNs: '1700000000999999999',
  mode: 0o644,
  ...changes,
});

const text = (block: Uint8Array, start: number, length: number): string => {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end === -1 ? field : field.subarray(0, end));
};
const octal = (block: Uint8Array, start: number, length: number): number => parseInt(text(block, start, length), 8);

function parseUstar(block: Uint8Array) {
  expect(block).toHaveLength(BLOCK_SIZE);
  const stored = octal(block, 148, 8);
  const sum = block.reduce((total, byte, index) => total + (index >= 148 && index < 156 ? 0x20 : byte), 0);
  expect(stored, 'header checksum').toBe(sum);
  expect(text(block, 148, 8)).toMatch(/^[0-7]{6}$/);
  expect(block[155]).toBe(0x20);
  return {
    name: text(block, 0, 100),
    mode: octal(block, 100, 8),
    uid: octal(block, 108, 8),
    gid: octal(block, 116, 8),
    size: octal(block, 124, 12),
    mtime: octal(block, 136, 12),
    typeflag: text(block, 156, 1),
    linkname: text(block, 157, 100),
    magic: text(block, 257, 6),
    version: text(block, 263, 2),
    uname: text(block, 265, 32),
    gname: text(block, 297, 32),
    devmajor: octal(block, 329, 8),
    devminor: octal(block, 337, 8),
    prefix: text(block, 345, 155),
  };
}

/** The PAX records of a header that has them, as key → value; undefined when there is no PAX header. */
function paxOf(header: Uint8Array): Record<string, string> | undefined {
  if (header.length === BLOCK_SIZE) return undefined;
  const pax = parseUstar(header.subarray(0, BLOCK_SIZE));
  expect(pax.typeflag).toBe('x');
  const body = new TextDecoder().decode(header.subarray(BLOCK_SIZE, BLOCK_SIZE + pax.size));
  const records: Record<string, string> = {};
  let rest = body;
  while (rest.length > 0) {
    const length = Number(rest.slice(0, rest.indexOf(' ')));
    const record = new TextDecoder().decode(new TextEncoder().encode(rest).subarray(0, length));
    expect(record.endsWith('\n'), record).toBe(true);
    const [key, ...value] = record.slice(record.indexOf(' ') + 1, -1).split('=');
    records[key as string] = value.join('=');
    rest = rest.slice(record.length);
  }
  expect(header.length).toBe(2 * BLOCK_SIZE + Math.ceil(pax.size / BLOCK_SIZE) * BLOCK_SIZE);
  return records;
}

const ustarOf = (header: Uint8Array) => parseUstar(header.subarray(header.length - BLOCK_SIZE));

describe('encodeHeader', () => {
  it('writes one ustar header with fixed owner, empty names, no devices and the mtime in whole seconds', () => {
    const header = encodeHeader(file('photos/a.txt', { mode: 0o4755 }));
    expect(header).toHaveLength(BLOCK_SIZE);
    expect(parseUstar(header)).toEqual({
      name: 'photos/a.txt',
      mode: 0o4755,
      uid: 0,
      gid: 0,
      size: 5,
      mtime: 1_700_000_000,
      typeflag: '0',
      linkname: '',
      magic: 'ustar',
      version: '00',
      uname: '',
      gname: '',
      devmajor: 0,
      devminor: 0,
      prefix: '',
    });
    expect(text(header, 257, 8)).toBe('ustar');
    expect([...header.subarray(257, 265)]).toEqual([...Buffer.from('ustar\x0000')]);
  });

  it('ends folder names with "/" and writes links with their target', () => {
    expect(parseUstar(encodeHeader(file('photos/sub', { kind: 'dir', size: 0, mode: 0o755 })))).toMatchObject({ name: 'photos/sub/', typeflag: '5', size: 0, mode: 0o755 });
    expect(parseUstar(encodeHeader(file('photos/link', { kind: 'symlink', size: 0, linkTarget: '../a.txt' })))).toMatchObject({
      name: 'photos/link',
      typeflag: '2',
      size: 0,
      linkname: '../a.txt',
    });
  });

  it('splits an ASCII path of up to 256 bytes into prefix and name, without PAX', () => {
    const path = `${'p'.repeat(150)}/${'n'.repeat(100)}`;
    const header = encodeHeader(file(path));
    expect(header).toHaveLength(BLOCK_SIZE);
    expect(parseUstar(header)).toMatchObject({ prefix: 'p'.repeat(150), name: 'n'.repeat(100) });
    // Exactly 100 bytes fit the name field without a terminating NUL.
    expect(parseUstar(encodeHeader(file('q'.repeat(100)))).name).toBe('q'.repeat(100));
  });

  it('adds a PAX header for a path that does not split, a non-ASCII path, a long or non-ASCII link target', () => {
    const unsplittable = `${'p'.repeat(20)}/${'n'.repeat(101)}`;
    expect(paxOf(encodeHeader(file(unsplittable)))).toEqual({ path: unsplittable });
    const deep = `${'a'.repeat(90)}/${'b'.repeat(90)}/${'c'.repeat(90)}/`;
    expect(paxOf(encodeHeader(file(deep.slice(0, -1), { kind: 'dir', size: 0 })))).toEqual({ path: deep });

    const unicode = encodeHeader(file('photos/café 写真.txt'));
    expect(paxOf(unicode)).toEqual({ path: 'photos/café 写真.txt' });
    expect(ustarOf(unicode)).toMatchObject({ name: 'photos/caf_ __.txt', size: 5 });

    const link = encodeHeader(file('photos/l', { kind: 'symlink', size: 0, linkTarget: 't'.repeat(101) }));
    expect(paxOf(link)).toEqual({ linkpath: 't'.repeat(101) });
    expect(ustarOf(link)).toMatchObject({ name: 'photos/l', typeflag: '2' });
    expect(paxOf(encodeHeader(file('photos/l', { kind: 'symlink', size: 0, linkTarget: 'ü' })))).toEqual({ linkpath: 'ü' });
  });

  it('gives a size of 8 GiB or more in PAX and 0 in the ustar field; one byte less still fits', () => {
    const big = encodeHeader(file('photos/big.bin', { size: 9 * GiB }));
    expect(paxOf(big)).toEqual({ size: String(9 * GiB) });
    expect(ustarOf(big).size).toBe(0);
    expect(parseUstar(encodeHeader(file('photos/big.bin', { size: 8 * GiB - 1 }))).size).toBe(8 * GiB - 1);
    expect(paxOf(encodeHeader(file('photos/big.bin', { size: 8 * GiB })))).toEqual({ size: String(8 * GiB) });
  });

  it('gives an mtime before 1970 in PAX, rounded down to whole seconds', () => {
    const old = encodeHeader(file('photos/old.txt', { mtimeNs: '-1500000000' }));
    expect(paxOf(old)).toEqual({ mtime: '-2' });
    expect(ustarOf(old).mtime).toBe(0);
    expect(wholeSeconds('-1000000000')).toBe(-1n);
    expect(wholeSeconds('1999999999')).toBe(1n);
  });

  it('gives a PAX header the same name, mode and time on every run', () => {
    const entry = file('photos/café.txt');
    expect(encodeHeader(entry)).toEqual(encodeHeader({ ...entry }));
    expect(parseUstar(encodeHeader(entry).subarray(0, BLOCK_SIZE))).toMatchObject({ name: 'PaxHeaders/caf_.txt', mode: 0o644, uid: 0, mtime: 1_700_000_000 });
  });
});

describe('paxRecord', () => {
  it('counts its own length, digits included, across digit-count boundaries', () => {
    for (let valueLength = 0; valueLength < 1100; valueLength += 1) {
      for (const record of [paxRecord('path', 'v'.repeat(valueLength)), paxRecord('path', 'é'.repeat(valueLength))]) {
        expect(Buffer.byteLength(record)).toBe(Number(record.slice(0, record.indexOf(' '))));
      }
    }
    // "11 path=" is 8 bytes, "é" 2 (UTF-8), "\n" 1.
    expect(paxRecord('path', 'é')).toBe('11 path=é\n');
    expect(paxRecord('size', '12345')).toBe('14 size=12345\n');
  });
});

describe('layoutArchive', () => {
  const entries = [
    file('photos', { kind: 'dir', size: 0 }),
    file('photos/a.txt', { size: 5 }),
    file('photos/b.bin', { size: 1024 }),
    file('photos/é.txt', { size: 513 }),
    file('photos/empty', { size: 0 }),
  ];
  const layout = layoutArchive({ entries });

  it('places each header, its content and padding to 512, then two zero blocks: the size is known in advance', () => {
    expect(layout.entries.map(({ headerOffset, headerSize, dataOffset, size, end }) => [headerOffset, headerSize, dataOffset, size, end])).toEqual([
      [0, 512, 512, 0, 512],
      [512, 512, 1024, 5, 1536],
      [1536, 512, 2048, 1024, 3072],
      [3072, 1536, 4608, 513, 5632],
      [5632, 512, 6144, 0, 6144],
    ]);
    expect(layout.entries.map((item) => encodeHeader(item.entry).length)).toEqual(layout.entries.map((item) => item.headerSize));
    expect(layout.endOfArchiveOffset).toBe(6144);
    expect(layout.totalSize).toBe(6144 + END_OF_ARCHIVE_SIZE);
    expect(layoutArchive({ entries: [] }).totalSize).toBe(1024);
  });

  it('entryAt names the entry whose header, content or padding covers an offset', () => {
    expect(entryAt(layout, 0)).toBe('photos');
    expect(entryAt(layout, 511)).toBe('photos');
    expect(entryAt(layout, 512)).toBe('photos/a.txt');
    expect(entryAt(layout, 1024 + 4)).toBe('photos/a.txt');
    expect(entryAt(layout, 1535)).toBe('photos/a.txt'); // padding
    expect(entryAt(layout, 1536)).toBe('photos/b.bin');
    expect(entryAt(layout, 3072 + 600)).toBe('photos/é.txt'); // its PAX header
    expect(entryAt(layout, 6143)).toBe('photos/empty');
    expect(entryAt(layout, 6144)).toBeUndefined();
    expect(entryAt(layout, layout.totalSize)).toBeUndefined();
    expect(entryAt(layout, -1)).toBeUndefined();
  });
});
