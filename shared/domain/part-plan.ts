import { GiB, MiB } from './units.ts';

/** S3's multipart limits: every part but the last is 5 MiB..5 GiB, at most 10,000 parts. */
export const MIN_PART_SIZE = 5 * MiB;
export const MAX_PART_SIZE = 5 * GiB;
export const MAX_PARTS = 10_000;
export const DEFAULT_PART_SIZE = 8 * MiB;
/** Largest object a multipart upload can describe under these limits. */
export const MAX_MULTIPART_SIZE = MAX_PART_SIZE * MAX_PARTS;

export interface PlannedPart {
  partNumber: number;
  offset: number;
  size: number;
}

export class PartPlanError extends Error {
  override name = 'PartPlanError';
}

/**
 * Chooses the part size once per upload. The preferred size is clamped to
 * S3's limits and grown (in whole MiB) when the file would otherwise need
 * more than 10,000 parts.
 */
export function choosePartSize(fileSize: number, preferred: number = DEFAULT_PART_SIZE): number {
  if (!Number.isSafeInteger(fileSize) || fileSize < 0) throw new PartPlanError(`invalid file size ${fileSize}`);
  if (fileSize > MAX_MULTIPART_SIZE) {
    throw new PartPlanError(`file of ${fileSize} bytes is larger than a multipart upload can hold (${MAX_MULTIPART_SIZE} bytes)`);
  }
  let partSize = Math.min(Math.max(Math.floor(preferred), MIN_PART_SIZE), MAX_PART_SIZE);
  const neededForPartLimit = Math.ceil(fileSize / MAX_PARTS / MiB) * MiB;
  if (neededForPartLimit > partSize) partSize = Math.min(neededForPartLimit, MAX_PART_SIZE);
  return partSize;
}

/** A file smaller than one part goes with a single PutObject (this includes the 0-byte file). */
export function usesSinglePut(fileSize: number, partSize: number): boolean {
  return fileSize < partSize;
}

/** S3's limit for one PutObject. */
export const MAX_SINGLE_PUT = 5 * GiB;

/**
 * A folder's file smaller than this goes whole, in one PutObject; a bigger
 * one as a multipart upload of its own. A multipart upload costs a file of
 * one or two parts four requests more (create, complete, a check, and the
 * second part), eight synced state commits instead of two, and the server
 * the assembly of its parts: a folder of photos of 2-12 MiB spent about
 * twice the CPU per byte on its files of 8 MiB and more than on the others.
 * Twice the part size keeps what a crash can make a file send again to two
 * parts' worth (as a multipart upload of two parts can lose both in flight),
 * and the memory of a file in flight to twice the part size.
 */
export function wholeFileLimit(partSize: number): number {
  return Math.min(2 * Math.min(Math.max(Math.floor(partSize), MIN_PART_SIZE), MAX_PART_SIZE), MAX_SINGLE_PUT);
}

export function partCount(fileSize: number, partSize: number): number {
  return Math.max(1, Math.ceil(fileSize / partSize));
}

/** The byte ranges of every part; contiguous, in order, covering [0, fileSize). */
export function planParts(fileSize: number, partSize: number): PlannedPart[] {
  const count = partCount(fileSize, partSize);
  if (count > MAX_PARTS) throw new PartPlanError(`${count} parts exceed the limit of ${MAX_PARTS}`);
  const parts: PlannedPart[] = [];
  for (let index = 0; index < count; index += 1) {
    const offset = index * partSize;
    parts.push({ partNumber: index + 1, offset, size: Math.min(partSize, fileSize - offset) });
  }
  return parts;
}

/**
 * Checks that a list of parts covers exactly [0, fileSize): numbered 1..n in
 * order, each starting where the previous ended, the last ending at the file's
 * end, and no non-last part under the minimum size. Returns a reason or undefined.
 */
export function findCoverageGap(parts: readonly PlannedPart[], fileSize: number): string | undefined {
  if (parts.length === 0) return 'no parts';
  let expectedOffset = 0;
  for (const [index, part] of parts.entries()) {
    if (part.partNumber !== index + 1) return `part ${index + 1} missing (found part ${part.partNumber})`;
    if (part.offset !== expectedOffset) return `part ${part.partNumber} starts at ${part.offset}, expected ${expectedOffset}`;
    if (part.size <= 0 && fileSize > 0) return `part ${part.partNumber} is empty`;
    if (index < parts.length - 1 && part.size < MIN_PART_SIZE) return `part ${part.partNumber} is under the 5 MiB minimum`;
    expectedOffset += part.size;
  }
  if (expectedOffset !== fileSize) return `parts cover ${expectedOffset} bytes, the file has ${fileSize}`;
  return undefined;
}
