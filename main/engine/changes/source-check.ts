import { SourceError } from '../errors.ts';
import { digestMatches, digestPart } from '../sending/part-digest.ts';
import type { ByteSource, SourceStat } from '../ports/byte-source.ts';
import type { PartRecord, UploadRecord } from '../ports/records.ts';

/**
 * The source must be what it was when the upload started: parts of two
 * versions of a file never go into one object. Size, mtime and file identity
 * first; then, because equal size and mtime do not prove equal bytes (coarse
 * timestamps, tools that restore mtimes), the fingerprint, cheap to re-read.
 * A generated source (a folder's archive) compares its snapshots instead, and
 * names what changed in it.
 */
export async function assertSourceUnchanged(source: ByteSource, record: UploadRecord): Promise<void> {
  const now = await source.stat(record.path);
  const changes = record.snapshot !== null && now.snapshot !== undefined ? snapshotChanges(source, record.snapshot, now.snapshot) : await fileChanges(source, record, now);
  if (changes.length > 0) {
    throw new SourceError('changed', `${record.path} changed since the upload started (${changes.join(', ')}); its parts will not be mixed`);
  }
}

async function fileChanges(source: ByteSource, record: UploadRecord, now: SourceStat): Promise<string[]> {
  const changes: string[] = [];
  if (now.size !== record.size) changes.push(`size ${record.size} → ${now.size}`);
  // ISO times: hosts show them in the user's locale (the app rewrites them, the CLI prints them as they are).
  if (now.mtimeNs !== record.mtimeNs) changes.push(`modification time ${isoOfNs(record.mtimeNs)} → ${isoOfNs(now.mtimeNs)}`);
  if (now.fileId !== record.fileId) changes.push('file identity (replaced)');
  if (changes.length === 0 && (await source.fingerprint(record.path, now.size)) !== record.fingerprint) changes.push('content');
  return changes;
}

function isoOfNs(mtimeNs: string): string {
  const ms = Number(BigInt(mtimeNs) / 1_000_000n);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : mtimeNs;
}

function snapshotChanges(source: ByteSource, before: string, after: string): string[] {
  if (before === after) return [];
  const described = source.describeChange?.(before, after) ?? [];
  return described.length > 0 ? described : ['its contents'];
}

export type VerifyMode = 'sample' | 'all';
/** How many completed parts a sampled check re-reads at most: the first, the last and some at random. */
export const SAMPLE_SIZE = 5;

/** The completed parts to re-read on resume: all of them, or the first, the last and a few at random. */
export function choosePartsToVerify<P extends { partNumber: number }>(done: readonly P[], mode: VerifyMode, random: () => number = Math.random): P[] {
  if (mode === 'all' || done.length <= SAMPLE_SIZE) return [...done];
  const chosen = new Map<number, P>();
  for (const part of [done[0], done[done.length - 1]]) if (part) chosen.set(part.partNumber, part);
  while (chosen.size < SAMPLE_SIZE) {
    const part = done[Math.floor(random() * done.length)];
    if (part) chosen.set(part.partNumber, part);
  }
  return [...chosen.values()].sort((a, b) => a.partNumber - b.partNumber);
}

/**
 * Equal size, mtime and fingerprint still allow bytes changed in the middle of
 * the file (an mtime restored with `touch -d`). Completed parts are re-read and
 * their MD5 compared with the one recorded when they were sent: a sample on
 * every resume, or every part when asked. Its SHA-256 too, when recorded.
 */
export async function assertCompletedPartsUnchanged(
  source: ByteSource,
  record: UploadRecord,
  parts: readonly PartRecord[],
  mode: VerifyMode,
  random?: () => number,
): Promise<number> {
  const done = parts.filter((part) => part.state === 'done' && part.md5 !== null);
  const chosen = choosePartsToVerify(done, mode, random);
  if (chosen.length === 0) return 0;
  const reader = await source.open(record.path);
  try {
    for (const part of chosen) {
      if (!digestMatches(part, digestPart(await reader.read(part.offset, part.size)))) {
        throw new SourceError(
          'changed',
          `${record.path} changed since the upload started (part ${part.partNumber} reads differently); its parts will not be mixed`,
        );
      }
    }
  } finally {
    await reader.close();
  }
  return chosen.length;
}
