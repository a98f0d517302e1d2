import { resolve } from 'node:path';
import type { ByteReader, ByteSource, SourceStat } from '../engine/ports/byte-source.ts';
import { ArchiveReader } from './archive-reader.ts';
import { diffSnapshots, parseSnapshot, serializeSnapshot, snapshotDigest, takeSnapshot } from './folder-snapshot.ts';
import type { FolderSnapshot } from './folder-snapshot.ts';
import { entryAt, layoutArchive } from './tar-layout.ts';
import type { ArchiveLayout } from './tar-layout.ts';

/**
 * Names the byte format in the fingerprint: should a later Hoist lay out the
 * same listing differently, an upload begun with the old format shows as
 * changed instead of being finished with parts of two formats.
 */
export const ARCHIVE_FORMAT = 'ustar-pax-v1';

/** Folders whose latest snapshot is kept for open(): a handful are uploaded at a time. */
const REMEMBERED_FOLDERS = 16;

export interface ArchiveDescription {
  snapshot: FolderSnapshot;
  layout: ArchiveLayout;
}

/** Lists the folder and places its archive: what the bytes will be, before any is read. */
export async function describeArchive(dir: string): Promise<ArchiveDescription> {
  const snapshot = await takeSnapshot(dir);
  return { snapshot, layout: layoutArchive(snapshot) };
}

/** The stat of an archive: any change to the listing changes fileId, so the engine sees a changed source. */
export function archiveStat({ snapshot, layout }: ArchiveDescription): SourceStat {
  return {
    size: layout.totalSize,
    mtimeNs: latestMtimeNs(snapshot),
    fileId: `archive:${snapshotDigest(snapshot)}`,
    snapshot: serializeSnapshot(snapshot),
  };
}

export function archiveFingerprint(snapshot: FolderSnapshot): string {
  return `${ARCHIVE_FORMAT}:${snapshotDigest(snapshot)}`;
}

function latestMtimeNs(snapshot: FolderSnapshot): string {
  let latest: bigint | undefined;
  for (const entry of snapshot.entries) {
    const mtime = BigInt(entry.mtimeNs);
    if (latest === undefined || mtime > latest) latest = mtime;
  }
  return (latest ?? 0n).toString();
}

/**
 * A folder as one tar archive generated on the fly (see tar-layout.ts), never
 * written to disk. open() generates the archive of the snapshot taken by the
 * latest stat() or fingerprint() of that folder, not of a new listing: the
 * engine checks the source with stat() and then opens it, and the bytes must
 * be those of the listing it checked. A file changed since is refused while
 * being read; a listing changed since shows at the engine's next stat().
 */
export class ArchiveSource implements ByteSource {
  /** Generated as a stream: reads must come in non-decreasing offset order. */
  readonly sequentialOnly = true;
  private readonly latest = new Map<string, FolderSnapshot>();

  async stat(dir: string): Promise<SourceStat> {
    return archiveStat(await this.describe(dir));
  }

  async fingerprint(dir: string, _size: number): Promise<string> {
    return archiveFingerprint((await this.describe(dir)).snapshot);
  }

  async open(dir: string): Promise<ByteReader> {
    const snapshot = this.latest.get(resolve(dir)) ?? (await this.describe(dir)).snapshot;
    return this.openSnapshot(snapshot);
  }

  /** The archive of a given snapshot (one stored with an upload, say); its files are checked against it as they are read. */
  openSnapshot(snapshot: FolderSnapshot): ArchiveReader {
    return new ArchiveReader(snapshot, layoutArchive(snapshot));
  }

  /** What changed between two stored snapshots (SourceStat.snapshot), in lines a person reads. */
  describeChange(before: string, after: string): string[] {
    return diffSnapshots(parseSnapshot(before), parseSnapshot(after));
  }

  /** "inside photos/a.jpg" for an offset of the archive of a stored snapshot; undefined past the last entry. */
  describeOffset(snapshot: string, offset: number): string | undefined {
    const path = entryAt(layoutArchive(parseSnapshot(snapshot)), offset);
    return path === undefined ? undefined : `inside ${path}`;
  }

  private async describe(dir: string): Promise<ArchiveDescription> {
    const key = resolve(dir);
    // Re-inserted so the Map's order is least recently described first; a folder that cannot be listed is forgotten.
    this.latest.delete(key);
    const description = await describeArchive(dir);
    this.latest.set(key, description.snapshot);
    if (this.latest.size > REMEMBERED_FOLDERS) this.latest.delete(this.latest.keys().next().value as string);
    return description;
  }
}
