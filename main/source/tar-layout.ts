import type { FolderSnapshot, SnapshotEntry } from './folder-snapshot.ts';

// A POSIX ustar archive, with PAX extended headers where ustar cannot say
// something exactly. Every header field comes from the snapshot alone (owner
// 0, no user or group names, whole-second mtimes, no device numbers), so the
// same listing always gives the same bytes and the same size, known before the
// first byte is read. No fs here: the layout is arithmetic over the snapshot.

export const BLOCK_SIZE = 512;
/** Two zero blocks end a tar archive. */
export const END_OF_ARCHIVE_SIZE = 2 * BLOCK_SIZE;
/** The first value an 11-digit octal field (size, mtime) cannot hold: 8 GiB for sizes. */
const OCTAL_11_LIMIT = 8 ** 11;
const NAME_LENGTH = 100;
const PREFIX_LENGTH = 155;
const LINKNAME_LENGTH = 100;
const encoder = new TextEncoder();

export interface LayoutEntry {
  entry: SnapshotEntry;
  /** Where the entry's headers (a PAX header when needed, then the ustar one) start. */
  headerOffset: number;
  headerSize: number;
  /** Where its content starts: headerOffset + headerSize. */
  dataOffset: number;
  /** Content bytes (a file's size, 0 otherwise); padding with zeros up to a block follows. */
  size: number;
  /** Where the next entry (or the end of the archive) starts. */
  end: number;
}

export interface ArchiveLayout {
  entries: LayoutEntry[];
  /** Where the two zero blocks ending the archive start. */
  endOfArchiveOffset: number;
  totalSize: number;
}

/**
 * Places every entry of the snapshot. Headers are measured, not kept: a
 * folder of a million files would otherwise hold a gigabyte of headers, and
 * encodeHeader makes any one of them again on demand, identically.
 */
export function layoutArchive(snapshot: Pick<FolderSnapshot, 'entries'>): ArchiveLayout {
  const entries: LayoutEntry[] = [];
  let offset = 0;
  for (const entry of snapshot.entries) {
    const headerSize = headerSizeOf(entry);
    const dataOffset = offset + headerSize;
    const end = dataOffset + padded(entry.size);
    entries.push({ entry, headerOffset: offset, headerSize, dataOffset, size: entry.size, end });
    offset = end;
  }
  return { entries, endOfArchiveOffset: offset, totalSize: offset + END_OF_ARCHIVE_SIZE };
}

/** The entry whose header, content or padding covers an archive offset; undefined for the end blocks or outside the archive. */
export function entryAt(layout: ArchiveLayout, offset: number): string | undefined {
  const index = entryIndexAt(layout, offset);
  return index === undefined ? undefined : layout.entries[index]?.entry.path;
}

/** The index in layout.entries of the entry covering offset (binary search). */
export function entryIndexAt(layout: ArchiveLayout, offset: number): number | undefined {
  if (offset < 0 || offset >= layout.endOfArchiveOffset) return undefined;
  let low = 0;
  let high = layout.entries.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if ((layout.entries[middle] as LayoutEntry).headerOffset <= offset) low = middle;
    else high = middle - 1;
  }
  return low;
}

function padded(size: number): number {
  return Math.ceil(size / BLOCK_SIZE) * BLOCK_SIZE;
}

function headerSizeOf(entry: SnapshotEntry): number {
  const pax = paxRecords(entry);
  return pax === undefined ? BLOCK_SIZE : 2 * BLOCK_SIZE + padded(pax.length);
}

/** The bytes before an entry's content: a PAX header and its records when needed, then the ustar header. */
export function encodeHeader(entry: SnapshotEntry): Uint8Array {
  const pax = paxRecords(entry);
  const ustar = ustarHeader(entry);
  if (pax === undefined) return ustar;
  const out = new Uint8Array(2 * BLOCK_SIZE + padded(pax.length));
  out.set(
    headerBlock({
      name: splitName(paxHeaderName(entry.path)) ?? { name: 'PaxHeaders/entry', prefix: '' },
      mode: 0o644,
      size: pax.length,
      mtime: clampedSeconds(entry),
      typeflag: 'x',
      linkname: '',
    }),
    0,
  );
  out.set(pax, BLOCK_SIZE);
  out.set(ustar, BLOCK_SIZE + padded(pax.length));
  return out;
}

function archivePath(entry: SnapshotEntry): string {
  return entry.kind === 'dir' ? `${entry.path}/` : entry.path;
}

function ustarHeader(entry: SnapshotEntry): Uint8Array {
  const path = archivePath(entry);
  // Readers that ignore PAX still get a usable ASCII stand-in for a name that needs the PAX record.
  const name = (isAscii(path) ? splitName(path) : undefined) ?? fallbackName(path, entry.kind === 'dir');
  const target = entry.linkTarget ?? '';
  return headerBlock({
    name,
    mode: entry.mode,
    size: entry.size < OCTAL_11_LIMIT ? entry.size : 0,
    mtime: clampedSeconds(entry),
    typeflag: entry.kind === 'file' ? '0' : entry.kind === 'dir' ? '5' : '2',
    linkname: fitsField(target, LINKNAME_LENGTH) ? target : asciiStandIn(target).slice(0, LINKNAME_LENGTH),
  });
}

/** PAX records for what ustar cannot hold exactly, in a fixed order; undefined when ustar suffices. */
function paxRecords(entry: SnapshotEntry): Uint8Array | undefined {
  const records: string[] = [];
  const path = archivePath(entry);
  if (!isAscii(path) || splitName(path) === undefined) records.push(paxRecord('path', path));
  const target = entry.linkTarget ?? '';
  if (!fitsField(target, LINKNAME_LENGTH)) records.push(paxRecord('linkpath', target));
  if (entry.size >= OCTAL_11_LIMIT) records.push(paxRecord('size', String(entry.size)));
  const seconds = wholeSeconds(entry.mtimeNs);
  if (seconds < 0n || seconds >= BigInt(OCTAL_11_LIMIT)) records.push(paxRecord('mtime', seconds.toString()));
  return records.length === 0 ? undefined : encoder.encode(records.join(''));
}

/** "<length> <key>=<value>\n", where length counts the whole record, its own digits included. */
export function paxRecord(key: string, value: string): string {
  const base = utf8Length(key) + utf8Length(value) + 3;
  let length = base + String(base).length;
  while (length !== base + String(length).length) length = base + String(length).length;
  return `${length} ${key}=${value}\n`;
}

/** Whole seconds, rounded down (also before 1970), from a nanosecond timestamp. */
export function wholeSeconds(mtimeNs: string): bigint {
  const ns = BigInt(mtimeNs);
  const seconds = ns / 1_000_000_000n;
  return ns < 0n && seconds * 1_000_000_000n !== ns ? seconds - 1n : seconds;
}

function clampedSeconds(entry: SnapshotEntry): number {
  const seconds = wholeSeconds(entry.mtimeNs);
  if (seconds < 0n) return 0;
  return seconds >= BigInt(OCTAL_11_LIMIT) ? OCTAL_11_LIMIT - 1 : Number(seconds);
}

interface SplitName {
  name: string;
  prefix: string;
}

/** ustar's name (100 bytes) and prefix (155 bytes, joined with "/"); undefined when no split fits. */
function splitName(path: string): SplitName | undefined {
  if (!isAscii(path)) return undefined;
  if (path.length <= NAME_LENGTH) return { name: path, prefix: '' };
  // The earliest slash that leaves at most 100 bytes after it, and a non-empty name.
  for (let index = path.length - NAME_LENGTH - 1; index <= PREFIX_LENGTH && index < path.length - 1; index += 1) {
    if (index > 0 && path[index] === '/' && path[index + 1] !== '/') return { name: path.slice(index + 1), prefix: path.slice(0, index) };
  }
  return undefined;
}

function fallbackName(path: string, isDir: boolean): SplitName {
  const ascii = asciiStandIn(path);
  return splitName(ascii) ?? { name: isDir ? `${ascii.slice(0, NAME_LENGTH - 1)}/` : ascii.slice(0, NAME_LENGTH), prefix: '' };
}

/** The PAX header's own name: conventional, short, and the same on every run (no process id). */
function paxHeaderName(path: string): string {
  const last = path.split('/').filter(Boolean).pop() ?? 'entry';
  return `PaxHeaders/${asciiStandIn(last)}`.slice(0, NAME_LENGTH);
}

/** Printable ASCII only, for the fields a reader that ignores PAX shows. */
function asciiStandIn(text: string): string {
  return Array.from(text, (char) => (char >= ' ' && char <= '~' ? char : '_')).join('');
}

/** One byte per character in UTF-8 (NUL cannot occur in a path): what ustar's fields can hold as is. */
function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index += 1) if (text.charCodeAt(index) > 0x7f) return false;
  return true;
}

function fitsField(text: string, length: number): boolean {
  return isAscii(text) && text.length <= length;
}

function utf8Length(text: string): number {
  return encoder.encode(text).length;
}

interface HeaderFields {
  name: SplitName;
  mode: number;
  size: number;
  mtime: number;
  typeflag: string;
  linkname: string;
}

function headerBlock(fields: HeaderFields): Uint8Array {
  const block = new Uint8Array(BLOCK_SIZE);
  writeText(block, 0, 100, fields.name.name);
  writeOctal(block, 100, 8, fields.mode);
  writeOctal(block, 108, 8, 0); // uid
  writeOctal(block, 116, 8, 0); // gid
  writeOctal(block, 124, 12, fields.size);
  writeOctal(block, 136, 12, fields.mtime);
  block.fill(0x20, 148, 156); // the checksum counts its own field as spaces
  writeText(block, 156, 1, fields.typeflag);
  writeText(block, 157, 100, fields.linkname);
  writeText(block, 257, 6, 'ustar\0');
  writeText(block, 263, 2, '00');
  // uname and gname stay empty (all zeros).
  writeOctal(block, 329, 8, 0); // devmajor
  writeOctal(block, 337, 8, 0); // devminor
  writeText(block, 345, 155, fields.name.prefix);
  const checksum = block.reduce((sum, byte) => sum + byte, 0);
  writeText(block, 148, 8, `${checksum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

function writeText(block: Uint8Array, offset: number, length: number, text: string): void {
  const bytes = encoder.encode(text);
  if (bytes.length > length) throw new Error(`tar header field of ${length} bytes cannot hold "${text}"`);
  block.set(bytes, offset);
}

/** Zero-padded octal digits and a NUL, the field's full width. */
function writeOctal(block: Uint8Array, offset: number, length: number, value: number): void {
  writeText(block, offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
}
