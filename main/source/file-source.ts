import { createHash } from 'node:crypto';
import { close as closeFd, fstat, open as openFd, read as readFd } from 'node:fs';
import type { BigIntStats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import type { ByteReader, ByteSource, SourceStat } from '../engine/ports/byte-source.ts';
import { SourceError } from '../engine/errors.ts';

/** Bytes hashed at each end of the file for the start-of-upload fingerprint. */
const FINGERPRINT_EDGE = 1024 * 1024;

function sourceErrorFrom(error: unknown, path: string): SourceError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new SourceError('missing', `file not found: ${path}`, { cause: error });
  if (code === 'EACCES' || code === 'EPERM') return new SourceError('unreadable', `permission denied reading ${path}`, { cause: error });
  if (code === 'EISDIR') return new SourceError('not-a-file', `${path} is a directory, not a file`, { cause: error });
  return new SourceError('unreadable', `cannot read ${path}: ${(error as Error).message}`, { cause: error });
}

class FileReader implements ByteReader {
  constructor(
    private readonly handle: Awaited<ReturnType<typeof open>>,
    private readonly path: string,
  ) {}

  async read(offset: number, length: number, into?: Uint8Array): Promise<Uint8Array> {
    const buffer = into && into.length >= length ? into.subarray(0, length) : Buffer.allocUnsafe(length);
    let filled = 0;
    while (filled < length) {
      let bytesRead: number;
      try {
        ({ bytesRead } = await this.handle.read(buffer, filled, length - filled, offset + filled));
      } catch (error) {
        throw sourceErrorFrom(error, this.path);
      }
      if (bytesRead === 0) {
        throw new SourceError('changed', `${this.path} is shorter than when the upload started (ends at ${offset + filled} bytes)`);
      }
      filled += bytesRead;
    }
    return buffer;
  }

  async close(): Promise<void> {
    await this.handle.close();
  }
}

function regularFileStat(info: BigIntStats, path: string): SourceStat {
  if (info.isDirectory()) throw new SourceError('not-a-file', `${path} is a directory, not a file`);
  if (!info.isFile()) throw new SourceError('not-a-file', `${path} is not a regular file`);
  return { size: Number(info.size), mtimeNs: info.mtimeNs.toString(), fileId: `${info.dev}:${info.ino}` };
}

/** A Node callback call as a promise, without util.promisify's wrapper per call. */
function settle<T>(call: (done: (error: Error | null, value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => call((error, value) => (error ? reject(error) : resolve(value))));
}

/** Files on the local disk. */
export class FileSource implements ByteSource {
  async stat(path: string): Promise<SourceStat> {
    let info;
    try {
      info = await stat(path, { bigint: true });
    } catch (error) {
      throw sourceErrorFrom(error, path);
    }
    return regularFileStat(info, path);
  }

  /*
   * On plain file descriptors, not FileHandles: for a 64 KiB file the
   * FileHandle's own bookkeeping costs more CPU than the read (profiled in
   * docs/benchmarks-folders.md). The descriptor is closed without waiting:
   * nothing can fail there that matters for a file opened read-only.
   */
  async readWhole(path: string, maxBytes: number, into?: Uint8Array): Promise<{ stat: SourceStat; bytes?: Uint8Array }> {
    let fd: number;
    try {
      fd = await settle<number>((done) => openFd(path, 'r', done));
    } catch (error) {
      throw sourceErrorFrom(error, path);
    }
    try {
      const stat = regularFileStat(await settle<BigIntStats>((done) => fstat(fd, { bigint: true }, done)), path);
      if (stat.size >= maxBytes) return { stat };
      const bytes = into && into.length >= stat.size ? into.subarray(0, stat.size) : Buffer.allocUnsafe(stat.size);
      for (let filled = 0; filled < stat.size; ) {
        const got = await settle<number>((done) => readFd(fd, bytes, filled, stat.size - filled, filled, done));
        if (got === 0) throw new SourceError('changed', `${path} is shorter than when it was opened (ends at ${filled} bytes)`);
        filled += got;
      }
      return { stat, bytes };
    } catch (error) {
      throw error instanceof SourceError ? error : sourceErrorFrom(error, path);
    } finally {
      closeFd(fd, () => undefined);
    }
  }

  async open(path: string): Promise<ByteReader> {
    try {
      return new FileReader(await open(path, 'r'), path);
    } catch (error) {
      throw sourceErrorFrom(error, path);
    }
  }

  /**
   * SHA-256 over the size and the first and last MiB: cheap at any file size,
   * and enough to tell a different file with the same name, size and mtime.
   */
  async fingerprint(path: string, size: number): Promise<string> {
    const reader = await this.open(path);
    try {
      const hash = createHash('sha256').update(String(size));
      const head = Math.min(size, FINGERPRINT_EDGE);
      hash.update(await reader.read(0, head));
      const tailStart = Math.max(head, size - FINGERPRINT_EDGE);
      if (tailStart < size) hash.update(await reader.read(tailStart, size - tailStart));
      return `sha256-edges:${hash.digest('hex')}`;
    } finally {
      await reader.close();
    }
  }
}
