import { createHash } from 'node:crypto';
import type { ByteReader, ByteSource, SourceStat } from '../ports/byte-source.ts';

/**
 * A sequential-only source for engine tests: the bytes of "path" are made on
 * the fly (a fixed pseudo-random MiB, varied per MiB), like an archive of a folder,
 * and can only be read front to back. `setSnapshot` changes what the source
 * says it is made of; `corruptFrom` changes the bytes it makes from an offset
 * on without changing the snapshot (a file edited with its mtime restored).
 */
const BASE = Buffer.concat(Array.from({ length: 1024 * 32 }, (_, i) => createHash('sha256').update(`block ${i}`).digest()));

export class GeneratedSource implements ByteSource {
  readonly sequentialOnly = true;
  /** Every byte made, over all readers: a resume regenerates from the start. */
  bytesGenerated = 0;
  snapshot = JSON.stringify({ files: ['a.bin', 'b.bin'], version: 1 });
  private corruptOffset: number | undefined;

  constructor(readonly size: number) {}

  corruptFrom(offset: number): void {
    this.corruptOffset = offset;
  }

  /** The bytes a reader makes now, all at once (for comparing with the object). */
  expected(): Buffer {
    return this.make(0, this.size);
  }

  async stat(): Promise<SourceStat> {
    return { size: this.size, mtimeNs: '1', fileId: 'generated', snapshot: this.snapshot };
  }

  async fingerprint(): Promise<string> {
    return createHash('sha256').update(this.snapshot).digest('hex');
  }

  async open(): Promise<ByteReader> {
    let position = 0;
    return {
      read: async (offset, length) => {
        if (offset < position) throw new Error(`generated source read backwards (${offset} after ${position})`);
        this.bytesGenerated += offset + length - position;
        position = offset + length;
        return this.make(offset, length);
      },
      close: async () => undefined,
    };
  }

  describeChange(before: string, after: string): string[] {
    return before === after ? [] : ['b.bin: size 10 → 11'];
  }

  describeOffset(_snapshot: string, offset: number): string {
    return offset < this.size / 2 ? 'inside a.bin' : 'inside b.bin';
  }

  private make(offset: number, length: number): Buffer {
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i += 1) {
      const at = offset + i;
      out[i] = (BASE[at % BASE.length] as number) ^ (Math.floor(at / BASE.length) & 0xff);
    }
    if (this.corruptOffset !== undefined && this.corruptOffset < offset + length) {
      // Every 4096th byte from corruptOffset on, wherever a read starts.
      const skip = Math.max(0, Math.ceil((offset - this.corruptOffset) / 4096));
      for (let at = this.corruptOffset + skip * 4096; at < offset + length; at += 4096) out[at - offset] = (out[at - offset] as number) ^ 0x5a;
    }
    return out;
  }
}
