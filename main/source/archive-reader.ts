import { constants, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { SourceError } from '../engine/errors.ts';
import type { ByteReader } from '../engine/ports/byte-source.ts';
import { entryLocation } from './folder-snapshot.ts';
import type { FolderSnapshot } from './folder-snapshot.ts';
import { encodeHeader, entryIndexAt } from './tar-layout.ts';
import type { ArchiveLayout, LayoutEntry } from './tar-layout.ts';

interface OpenFile {
  item: LayoutEntry;
  handle: FileHandle;
}

/**
 * The bytes of a snapshot's tar archive, made as they are asked for: headers
 * from the snapshot, content read from each file at its place. It holds the
 * buffer being filled, at most one header and one open file, whatever the
 * folder's size.
 *
 * Reads must come in non-decreasing offset order: each file is checked
 * against the snapshot when its content starts and again when it ends, which
 * only proves something if the content in between was read in one pass. A
 * forward jump costs nothing (files are read by position, and the bytes
 * skipped are not produced, so there is nothing to check); a backward one is
 * refused. Calls made while one is running wait their turn, in call order.
 */
export class ArchiveReader implements ByteReader {
  /** The end of the last read: no read may start before it. */
  private position = 0;
  private current: OpenFile | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  /** A file changed or could not be read: every later read fails the same way. */
  private failure: Error | null = null;
  private closed = false;

  constructor(
    private readonly snapshot: FolderSnapshot,
    private readonly layout: ArchiveLayout,
  ) {}

  read(offset: number, length: number): Promise<Uint8Array> {
    const result = this.queue.then(() => this.readInOrder(offset, length));
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.queue;
    await this.closeCurrent();
  }

  private async readInOrder(offset: number, length: number): Promise<Uint8Array> {
    const { totalSize } = this.layout;
    if (this.closed) throw new Error(`the archive of ${this.snapshot.root} is closed`);
    if (this.failure) throw this.failure;
    if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > totalSize) {
      throw new RangeError(`${length} bytes at ${offset} are outside the archive of ${this.snapshot.root} (${totalSize} bytes)`);
    }
    if (offset < this.position) {
      throw new Error(`the archive of ${this.snapshot.root} is read in order: offset ${offset} was asked for after the read ending at ${this.position}`);
    }
    // Zero-filled: padding and the end-of-archive blocks need nothing written.
    const out = new Uint8Array(length);
    try {
      await this.fill(out, offset);
    } catch (error) {
      await this.closeCurrent();
      this.failure = error instanceof SourceError ? error : new SourceError('unreadable', `cannot read ${this.snapshot.root}: ${(error as Error).message}`, { cause: error });
      throw this.failure;
    }
    this.position = offset + length;
    return out;
  }

  private async fill(out: Uint8Array, offset: number): Promise<void> {
    let filled = 0;
    while (filled < out.length) {
      const at = offset + filled;
      const index = entryIndexAt(this.layout, at);
      if (index === undefined) return; // the end-of-archive blocks: zeros
      const item = this.layout.entries[index] as LayoutEntry;
      // Skipped past the rest of the file being read: its remaining bytes are not produced, so not checked.
      if (this.current && this.current.item !== item) await this.closeCurrent();
      const wanted = out.length - filled;
      if (at < item.dataOffset) {
        const header = encodeHeader(item.entry);
        const from = at - item.headerOffset;
        const count = Math.min(wanted, item.headerSize - from);
        out.set(header.subarray(from, from + count), filled);
        filled += count;
        // An empty file has no content to reach: check it against the snapshot once its header is out.
        if (item.entry.kind === 'file' && item.size === 0 && at + count === item.dataOffset) {
          await this.fileFor(item);
          await this.closeCurrent();
        }
      } else if (at < item.dataOffset + item.size) {
        const count = Math.min(wanted, item.dataOffset + item.size - at);
        await this.readContent(item, at - item.dataOffset, out.subarray(filled, filled + count));
        filled += count;
      } else {
        filled += Math.min(wanted, item.end - at);
      }
    }
  }

  private async readContent(item: LayoutEntry, from: number, target: Uint8Array): Promise<void> {
    const { handle } = await this.fileFor(item);
    let done = 0;
    while (done < target.length) {
      const { bytesRead } = await handle.read(target, done, target.length - done, from + done);
      if (bytesRead === 0) throw this.changed(item, `it ends at ${from + done} bytes, not ${item.size}`);
      done += bytesRead;
    }
    if (from + done === item.size) await this.finishFile(item, handle);
  }

  /** The file being read, opened and checked against the snapshot when its content is first reached. */
  private async fileFor(item: LayoutEntry): Promise<OpenFile> {
    if (this.current?.item === item) return this.current;
    const path = entryLocation(this.snapshot.root, item.entry.path);
    let handle: FileHandle;
    try {
      // O_NOFOLLOW: a file replaced by a link must not be read through it.
      handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') throw this.changed(item, 'it is gone or was replaced', error);
      if (code === 'EACCES' || code === 'EPERM') throw new SourceError('unreadable', `permission denied reading ${path}`, { cause: error });
      throw new SourceError('unreadable', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
    }
    this.current = { item, handle };
    await this.checkStat(item, handle);
    return this.current;
  }

  /** At the end of a file's content: its size (so nothing was appended) and mtime must still be the snapshot's. */
  private async finishFile(item: LayoutEntry, handle: FileHandle): Promise<void> {
    await this.checkStat(item, handle);
    await this.closeCurrent();
  }

  private async checkStat(item: LayoutEntry, handle: FileHandle): Promise<void> {
    const info = await handle.stat({ bigint: true });
    if (!info.isFile()) throw this.changed(item, 'it is no longer a regular file');
    if (Number(info.size) !== item.size) throw this.changed(item, `size ${item.size} → ${info.size}`);
    if (info.mtimeNs.toString() !== item.entry.mtimeNs) throw this.changed(item, 'modification time');
  }

  private changed(item: LayoutEntry, detail: string, cause?: unknown): SourceError {
    return new SourceError('changed', `${item.entry.path} changed while being read (${detail})`, cause === undefined ? undefined : { cause });
  }

  private async closeCurrent(): Promise<void> {
    const current = this.current;
    this.current = null;
    // A failed close of a read-only handle loses nothing.
    await current?.handle.close().catch(() => undefined);
  }
}
