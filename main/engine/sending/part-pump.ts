import { SourceError } from '../errors.ts';
import type { PartBuffers } from './part-buffers.ts';
import { digestMatches } from './part-digest.ts';
import { runParts } from './part-runner.ts';
import type { ByteSource } from '../ports/byte-source.ts';
import type { PartHasher } from '../ports/part-hasher.ts';
import type { PartRecord, UploadRecord } from '../ports/records.ts';
import { throwIfStopped } from './retry-budget.ts';
import type { SlotPool } from './slot-pool.ts';

export interface PumpDeps {
  source: ByteSource;
  pool: SlotPool;
  hasher: PartHasher;
  /** The engine's one pool of part buffers, shared by every upload. */
  buffers: PartBuffers;
  record: UploadRecord;
  /** Sends one part's bytes (read here). */
  send: (bytes: Uint8Array, part: PartRecord, signal: AbortSignal) => Promise<void>;
}

/**
 * Reads the parts not done and hands them to `send`, through the shared part
 * slots. A generated source has no random access: it is regenerated from the
 * start and read strictly in order, and each part already done is checked
 * against its recorded digests on the way instead of being sent (the first
 * that differs stops the upload as a conflict).
 */
export async function pumpParts(deps: PumpDeps, allParts: readonly PartRecord[], signal: AbortSignal): Promise<void> {
  const { source, record } = deps;
  const streamed = source.sequentialOnly === true;
  const parts = allParts.filter((part) => streamed || part.state !== 'done');
  if (parts.length === 0) return;
  const reader = await source.open(record.path);
  // Reads are chained in part order (runParts starts parts in order), so a stream is read front to back.
  let previousRead: Promise<unknown> = Promise.resolve();
  const readInOrder = (part: PartRecord, into: Uint8Array): Promise<Uint8Array> => {
    const read = previousRead.then(() => {
      throwIfStopped(signal);
      return reader.read(part.offset, part.size, into);
    });
    previousRead = read.catch(() => undefined);
    return read;
  };
  try {
    await runParts(parts, deps.pool, signal, async (part, partSignal) => {
      const buffer = deps.buffers.take(part.size, record.partSize);
      try {
        const bytes = await readInOrder(part, buffer.bytes);
        if (part.state === 'done') await checkRegeneratedPart(deps, part, bytes);
        else await deps.send(bytes, part, partSignal);
      } finally {
        buffer.release();
      }
    });
  } finally {
    await reader.close();
  }
}

/** A completed part of a generated source, made again: it must be what was sent, byte for byte. */
async function checkRegeneratedPart({ source, record, hasher }: PumpDeps, part: PartRecord, bytes: Uint8Array): Promise<void> {
  if (digestMatches(part, await hasher.digest(bytes))) return;
  const where = record.snapshot === null ? undefined : source.describeOffset?.(record.snapshot, part.offset);
  throw new SourceError(
    'changed',
    `${record.path} changed since the upload started (part ${part.partNumber}${where ? `, ${where},` : ''} no longer reads the same); its parts will not be mixed`,
  );
}
