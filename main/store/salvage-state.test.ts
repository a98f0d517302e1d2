import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { salvageStateDatabase } from './salvage-state.ts';
import type { Salvage } from './salvage-state.ts';
import { addFolders, noise, overwritePage, pageSizeOf, rootPageOf, writeOldStateDatabase, writeStateDatabase } from './testing/damaged-database.ts';
import type { RecordedUpload } from './testing/damaged-database.ts';
import { wrongValues } from './testing/salvage-checks.ts';

const UPLOADS = 150;
let dir = '';
let file = '';
let recorded: RecordedUpload[] = [];
let pristine: Buffer;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'hoist-salvage-'));
  file = join(dir, 'state.sqlite3');
  recorded = writeStateDatabase(file, UPLOADS);
  pristine = readFileSync(file);
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Whatever was read must be exactly what was recorded: a damaged value may be lost, never changed. */
function expectOnlyRecorded(salvage: Salvage): void {
  expect(wrongValues(salvage, recorded)).toEqual([]);
}

describe('salvageStateDatabase', () => {
  it('reads every upload, target and setting of an undamaged database', () => {
    const salvage = salvageStateDatabase(file);
    expect(salvage.problems).toEqual([]);
    expect(salvage.uploads).toHaveLength(UPLOADS);
    expectOnlyRecorded(salvage);
    expect(salvage.targets.map((t) => [t.id, JSON.parse(t.data).name, t.position])).toEqual([
      ['t1', 'backups', 0],
      ['t2', 'photos', 1],
    ]);
    expect(salvage.settings.map((s) => [s.key, JSON.parse(s.value)])).toEqual([
      ['concurrency', 6],
      ['notifications', false],
      ['partSizeMiB', 16],
    ]);
    const first = salvage.uploads.find((upload) => upload.id === 'u0000');
    expect(first).toEqual({
      id: 'u0000',
      path: recorded[0]?.path,
      bucket: 'b1',
      key: recorded[0]?.key,
      endpoint: 'http://127.0.0.1:7480',
      region: 'us-east-1',
      pathStyle: true,
      uploadId: recorded[0]?.uploadId,
      targetId: 't1',
      state: 'uploading',
      sourceKind: 'file',
      folderId: null,
    });
  });

  it('never throws, and reads nothing wrong, from the file truncated at any of several sizes', () => {
    const pageSize = pageSizeOf(file);
    const size = pristine.length;
    const sizes = [0, 1, 50, 99, 100, 512, pageSize, 2 * pageSize, Math.floor(size / 3), Math.floor(size / 2), size - pageSize, size - 1];
    const survivors: number[] = [];
    for (const cut of sizes) {
      writeFileSync(file, pristine);
      truncateSync(file, cut);
      const salvage = salvageStateDatabase(file);
      expectOnlyRecorded(salvage);
      survivors.push(salvage.uploads.length);
    }
    // An empty file is an empty database; a cut inside the header is not a database at all.
    expect(survivors[0]).toBe(0);
    expect(survivors[3]).toBe(0);
    // Cut after the schema and the first rows: the rows before the cut are read.
    expect(survivors[survivors.length - 1]).toBeGreaterThan(0);
    expect(statSync(file).size).toBe(size - 1);
  });

  it('never throws, and reads nothing wrong, with any one page overwritten by noise', () => {
    const pages = pristine.length / pageSizeOf(file);
    const uploadsRoot = rootPageOf(file, 'uploads');
    let lossless = 0;
    for (let page = 1; page <= pages; page += 1) {
      writeFileSync(file, pristine);
      overwritePage(file, page);
      const salvage = salvageStateDatabase(file);
      expectOnlyRecorded(salvage);
      if (salvage.uploads.length === UPLOADS) lossless += 1;
      if (page === 1) expect(salvage.uploads, 'page 1 holds the header and the schema').toEqual([]);
      if (page === uploadsRoot) expect(salvage.problems.join()).toMatch(/uploads: /);
    }
    // Most pages hold parts, events and indexes: damage there costs no upload at all.
    expect(lossless).toBeGreaterThan(pages / 2);
  });

  it('keeps the rows on both sides of a damaged page of the uploads table (scanned again backwards)', () => {
    // The uploads table spans many leaf pages: damage the leaves in the middle of it.
    const pageSize = pageSizeOf(file);
    const leaves = uploadLeaves(pristine, pageSize, 'u0070');
    expect(leaves.length).toBeGreaterThan(0);
    overwritePage(file, leaves[0] as number);
    const salvage = salvageStateDatabase(file);
    expectOnlyRecorded(salvage);
    expect(salvage.problems.join()).toMatch(/uploads: database disk image is malformed/);
    const ids = salvage.uploads.map((upload) => upload.id);
    expect(ids).toContain('u0000');
    expect(ids).toContain(`u${String(UPLOADS - 1).padStart(4, '0')}`);
    expect(ids).not.toContain('u0070');
    expect(salvage.uploads.length).toBeGreaterThan(UPLOADS / 2);
  });

  it('finds the rows between two damaged pages of the uploads table one by one', () => {
    const leaves = uploadLeaves(pristine, pageSizeOf(file));
    expect(leaves.length).toBeGreaterThan(8);
    overwritePage(file, leaves[2] as number);
    overwritePage(file, leaves[leaves.length - 3] as number);
    const salvage = salvageStateDatabase(file);
    expectOnlyRecorded(salvage);
    // Scans from both ends stop at the damaged pages: the many rows between them come from lookups by rowid.
    const perLeaf = UPLOADS / leaves.length;
    expect(salvage.uploads.length).toBeGreaterThanOrEqual(Math.floor(UPLOADS - 2 * perLeaf - 4));
  });

  it.each([
    { name: 'a text file', content: () => Buffer.from('these are my notes, not a database\n'.repeat(200)) },
    { name: 'random bytes', content: () => noise(64 * 1024, 7) },
    { name: 'a header of noise', content: () => Buffer.concat([noise(100, 3), pristine.subarray(100)]) },
  ])('reads nothing, with the reason, from $name', ({ content }) => {
    writeFileSync(file, content());
    const salvage = salvageStateDatabase(file);
    expect(salvage).toMatchObject({ uploads: [], folders: [], targets: [], settings: [] });
    expect(salvage.problems.join()).toMatch(/not a database|malformed|file is not a database/);
  });

  it('reads nothing, with the reason, from a file that is not there', () => {
    const salvage = salvageStateDatabase(join(dir, 'missing.sqlite3'));
    expect(salvage.uploads).toEqual([]);
    expect(salvage.problems.join()).toMatch(/cannot open it/);
  });
});

describe('salvageStateDatabase, folders sent as one object per file', () => {
  it('reads every folder with its place, part size, policy and state, and which upload belongs to which folder', () => {
    const { folders, childUploadId } = addFolders(file);
    const salvage = salvageStateDatabase(file);
    expect(salvage.problems).toEqual([]);
    expect(salvage.folders).toEqual(folders);
    expect(salvage.uploads).toHaveLength(UPLOADS + 1);
    expect(salvage.uploads.filter((upload) => upload.folderId !== null)).toEqual([
      expect.objectContaining({ id: childUploadId, key: 'photos/big.mov', uploadId: '2~folder-big', folderId: 'f1' }),
    ]);
  });

  it('reads no folder, and reports nothing missing, from a database older than folders', () => {
    const old = join(dir, 'old.sqlite3');
    writeOldStateDatabase(old, 3);
    const salvage = salvageStateDatabase(old);
    expect(salvage.problems).toEqual([]);
    expect(salvage.folders).toEqual([]);
    expect(salvage.uploads.map((upload) => [upload.id, upload.uploadId, upload.folderId])).toEqual([
      ['old0', '2~old-0', null],
      ['old1', '2~old-1', null],
      ['old2', '2~old-2', null],
    ]);
  });

  it('reports the folders table when its page is damaged, and still reads the uploads', () => {
    addFolders(file);
    overwritePage(file, rootPageOf(file, 'folders'));
    const salvage = salvageStateDatabase(file);
    expect(salvage.folders).toEqual([]);
    expect(salvage.problems.join()).toMatch(/^folders: database disk image is malformed$/);
    expect(salvage.uploads).toHaveLength(UPLOADS + 1);
  });

  it('never throws, and reads no folder wrong, with any one page overwritten by noise', () => {
    const { folders } = addFolders(file);
    const before = readFileSync(file);
    const pages = before.length / pageSizeOf(file);
    let whole = 0;
    for (let page = 1; page <= pages; page += 1) {
      writeFileSync(file, before);
      overwritePage(file, page);
      const salvage = salvageStateDatabase(file);
      for (const folder of salvage.folders) expect(folders).toContainEqual(folder);
      if (salvage.folders.length === folders.length) whole += 1;
    }
    expect(whole).toBeGreaterThan(pages / 2);
  });

  it('reports the folders among the tables it could not read from a file that is not a database', () => {
    writeFileSync(file, noise(64 * 1024, 5));
    expect(salvageStateDatabase(file).problems).toEqual(['targets, settings, uploads, folders: file is not a database']);
  });
});

/** Leaf pages (type 13) of the uploads table: those holding multipart upload ids. */
function uploadLeaves(bytes: Buffer, pageSize: number, holding?: string): number[] {
  const found: number[] = [];
  for (let page = 2; page * pageSize <= bytes.length; page += 1) {
    const content = bytes.subarray((page - 1) * pageSize, page * pageSize);
    if (content[0] !== 13 || !content.includes(Buffer.from('2~upload-'))) continue;
    if (holding === undefined || content.includes(Buffer.from(holding))) found.push(page);
  }
  return found;
}
