import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceError } from '../engine/errors.ts';
import { FolderUploads } from '../engine/folders/folder-uploads.ts';
import type { FolderLister } from '../engine/ports/folder-lister.ts';
import { LOCATION, MiB, TARGET, useEngineFixture } from '../engine/testing/engine-fixture.ts';
import type { UploadEngine } from '../engine/upload-engine.ts';
import { localFolderLister } from '../source/folder-lister.ts';
import { FileSource } from '../source/file-source.ts';
import type { SalvagedFolder, SalvagedUpload } from '../store/salvage-state.ts';
import { SqliteFolderStore } from '../store/sqlite-folder-store.ts';
import { describeRebuild, rebuildFromSalvage } from './rebuild-from-salvage.ts';
import { describeFolderRebuild, rebuildFolders, rebuiltFolderIds } from './rebuild-folders.ts';

// A damaged state database was replaced by a new one: the unfinished folders
// read from it are recorded again, their big files' uploads left to them; the
// folder's next run settles every file from the server's listing.

const f = useEngineFixture();
const PART = 5 * MiB;

function folderUploads(engine: UploadEngine, lister: FolderLister = localFolderLister): FolderUploads {
  return new FolderUploads({
    engine,
    folders: new SqliteFolderStore(f.store.database),
    capabilities: f.store,
    lister,
    source: new FileSource(),
    clock: { now: () => Date.now(), sleep: async () => undefined },
    log: () => undefined,
  });
}

/** A folder of 12 small files and one of three 5 MiB parts, sorted first (big.bin) so that it starts before the small ones. */
function makeFolder(name = 'folder'): { root: string; files: Map<string, Buffer> } {
  const root = join(f.dir, name);
  const files = new Map<string, Buffer>([['big.bin', randomBytes(2 * PART + 12_345)]]);
  for (let i = 0; i < 12; i += 1) files.set(`sub/file-${i}.bin`, randomBytes(200 + i));
  for (const [relPath, content] of files) {
    mkdirSync(join(root, relPath, '..'), { recursive: true });
    writeFileSync(join(root, relPath), content);
  }
  return { root, files };
}

function salvagedFolder(over: Partial<SalvagedFolder> = {}): SalvagedFolder {
  return {
    id: 'old-folder',
    path: join(f.dir, 'folder'),
    bucket: LOCATION.bucket,
    prefix: 'up/',
    endpoint: TARGET.endpoint,
    region: TARGET.region,
    pathStyle: TARGET.pathStyle,
    targetId: null,
    partSize: PART,
    ifExists: 'skip-identical',
    state: 'sending',
    ...over,
  };
}

/**
 * The folder run until its big file's third part is on the wire, then paused
 * (two parts sent, some small files too), then forgotten as a replaced
 * database forgets it. Returns the folder and its big file's upload as a
 * salvage reads them.
 */
async function halfSentThenForgotten(ifExists: SalvagedFolder['ifExists']): Promise<{ folder: SalvagedFolder; child: SalvagedUpload; files: Map<string, Buffer> }> {
  const { root, files } = makeFolder();
  const first = folderUploads(f.newEngine({ concurrency: 1 }));
  const { folder } = await first.addFolder({ path: root, bucket: LOCATION.bucket, prefix: 'up/', target: TARGET, partSize: PART, ifExists });
  const held = f.s3.holdUploadPart(3);
  const running = first.run(folder.id);
  await held.reached;
  await first.pause(folder.id);
  held.release();
  expect((await running).outcome).toBe('stopped');
  const [upload] = f.store.listUploads().filter((record) => record.folderId === folder.id);
  expect(upload?.uploadId).toBeTruthy();
  first.store.deleteFolder(folder.id);
  expect(f.store.listUploads()).toEqual([]);
  const child: SalvagedUpload = {
    id: upload?.id as string,
    path: join(root, 'big.bin'),
    bucket: LOCATION.bucket,
    key: 'up/big.bin',
    endpoint: TARGET.endpoint,
    region: TARGET.region,
    pathStyle: TARGET.pathStyle,
    uploadId: upload?.uploadId as string,
    targetId: null,
    state: 'uploading',
    sourceKind: 'file',
    folderId: folder.id,
  };
  return { folder: salvagedFolder({ id: folder.id, path: root, ifExists, state: 'paused' }), child, files };
}

describe('rebuildFolders', () => {
  it("records an unfinished folder again with its place, target, part size and policy; the run sends only what the server lacks, adopting the big file's upload", async () => {
    // Recorded with overwrite: rebuilt with skip-identical, or every file sent before would go again.
    const { folder, child, files } = await halfSentThenForgotten('overwrite');
    const there = [...files.keys()].filter((relPath) => f.s3.getObject({ bucket: LOCATION.bucket, key: `up/${relPath}` }) !== undefined);
    expect(there.length).toBeGreaterThan(0);
    const engine = f.newEngine();
    const folders = folderUploads(engine);

    const report = await rebuildFolders(folders, [folder]);
    const uploads = await rebuildFromSalvage(engine, [child], rebuiltFolderIds(report));

    expect(report.notRebuilt).toEqual([]);
    const record = report.rebuilt[0]?.record;
    expect(record).toMatchObject({ path: folder.path, bucket: LOCATION.bucket, prefix: 'up/', ...TARGET, targetId: null, partSize: PART, ifExists: 'skip-identical', state: 'walking' });
    // The big file's upload is the folder's to adopt: not rebuilt as an upload of its own.
    expect(uploads).toMatchObject({ rebuilt: [], notRebuilt: [], withFolder: 1 });
    expect(f.store.listUploads()).toEqual([]);
    expect(f.s3.uploads.has(child.uploadId as string)).toBe(true);
    expect(describeFolderRebuild(report)).toEqual([
      {
        ok: true,
        text: `rebuilt folder ${record?.id} of ${folder.path} to s3://${LOCATION.bucket}/up/: its files are checked against the server's listing and only those not there are sent; objects already there with the same bytes are skipped, not overwritten; resume continues it`,
      },
    ]);
    expect(describeRebuild(uploads)).toEqual([{ ok: true, text: '1 unfinished upload of a big file in a folder: rebuilt with its folder, whose next run adopts it from the server' }]);

    const calls = f.s3.calls.length;
    const result = await folders.run(record?.id as string);

    expect(result.outcome).toBe('completed');
    for (const [relPath, content] of files) f.expectObjectEquals(content, `up/${relPath}`);
    const after = f.s3.calls.slice(calls);
    // Each small file not on the server went once; those there and the big file's two parts were not sent again.
    const smallThere = there.filter((relPath) => relPath !== 'big.bin').length;
    expect(after.filter((call) => call.op === 'putObject')).toHaveLength(12 - smallThere);
    expect(after.filter((call) => call.op === 'uploadPart').map((call) => call.partNumber)).toEqual([3]);
    expect(after.filter((call) => call.op === 'createMultipartUpload')).toEqual([]);
    expect(result.totals.there.files).toBe(smallThere);
    expect(f.s3.uploads.size).toBe(0);
  });

  it("keeps a folder's other policies, its target and a prefix at the top of the bucket", async () => {
    makeFolder();
    const folders = folderUploads(f.newEngine());
    const salvaged = [
      salvagedFolder({ id: 'a', prefix: '', ifExists: 'fail', targetId: 't1', partSize: 8 * MiB, endpoint: undefined, region: 'eu-west-1', pathStyle: false }),
      salvagedFolder({ id: 'b', prefix: 'b/', ifExists: 'ask', state: null }),
    ];
    const report = await rebuildFolders(folders, salvaged);
    expect(report.rebuilt.map(({ record }) => [record.prefix, record.ifExists, record.targetId, record.partSize, record.endpoint, record.region, record.pathStyle])).toEqual([
      ['', 'fail', 't1', 8 * MiB, undefined, 'eu-west-1', false],
      ['b/', 'ask', null, PART, TARGET.endpoint, TARGET.region, TARGET.pathStyle],
    ]);
    expect(describeFolderRebuild(report).map((line) => line.text)).not.toContainEqual(expect.stringMatching(/not overwritten/));
  });

  it('counts finished folders, reports those it cannot record again with the reason, and rebuilds nothing for them', async () => {
    makeFolder();
    writeFileSync(join(f.dir, 'a-file'), 'not a folder');
    const unreadable = join(f.dir, 'folder');
    const lister: FolderLister = {
      ...localFolderLister,
      check: async (root) => {
        if (root === unreadable) throw new SourceError('unreadable', `permission denied reading folder ${root}`);
        await localFolderLister.check(root);
      },
    };
    const folders = folderUploads(f.newEngine(), lister);
    const gone = join(f.dir, 'gone');
    const report = await rebuildFolders(folders, [
      salvagedFolder({ id: 'done', state: 'completed' }),
      salvagedFolder({ id: 'dropped', state: 'cancelled' }),
      salvagedFolder({ id: 'gone', path: gone }),
      salvagedFolder({ id: 'file', path: join(f.dir, 'a-file') }),
      salvagedFolder({ id: 'unreadable' }),
    ]);

    expect(report.rebuilt).toEqual([]);
    expect(report.finished).toBe(2);
    expect(rebuiltFolderIds(report)).toEqual(new Set());
    expect(folders.store.listFolders()).toEqual([]);
    const kept = 'the objects already sent stay on the server';
    expect(describeFolderRebuild(report)).toEqual([
      { ok: false, text: `not rebuilt: folder ${gone} to s3://${LOCATION.bucket}/up/: the folder is not there (folder not found: ${gone}); ${kept}` },
      { ok: false, text: `not rebuilt: folder ${join(f.dir, 'a-file')} to s3://${LOCATION.bucket}/up/: it is no longer a folder (${join(f.dir, 'a-file')} is not a folder); ${kept}` },
      {
        ok: false,
        text: `not rebuilt: folder ${unreadable} to s3://${LOCATION.bucket}/up/: the folder cannot be read (permission denied reading folder ${unreadable}); ${kept}: upload the folder again once it can be read, and they are not sent again`,
      },
      { ok: true, text: '2 finished folders: only their history was lost' },
    ]);
  });

  it("rebuilds a big file's upload as an upload of its own when its folder is not rebuilt, its parts verified", async () => {
    const { folder, child } = await halfSentThenForgotten('skip-identical');
    const lister: FolderLister = { ...localFolderLister, check: async (root) => Promise.reject(new SourceError('unreadable', `permission denied reading folder ${root}`)) };
    const engine = f.newEngine();

    const report = await rebuildFolders(folderUploads(engine, lister), [folder]);
    const uploads = await rebuildFromSalvage(engine, [child], rebuiltFolderIds(report));

    expect(report.notRebuilt).toHaveLength(1);
    expect(uploads.withFolder).toBe(0);
    expect(uploads.rebuilt).toHaveLength(1);
    expect(uploads.rebuilt[0]).toMatchObject({ partsVerified: 2, record: { key: 'up/big.bin', uploadId: child.uploadId, folderId: null } });
    expect(await engine.run(uploads.rebuilt[0]?.record.id as string)).toMatchObject({ outcome: 'completed', partsSkipped: 2 });
  });

  it("aborts a rebuilt folder's big-file upload that holds no part (no run could adopt it), and leaves one with parts to the folder", async () => {
    const { folder, child } = await halfSentThenForgotten('skip-identical');
    const { uploadId: empty } = await f.s3.createMultipartUpload({ bucket: LOCATION.bucket, key: 'up/sub/file-0.bin' });
    const engine = f.newEngine();
    const report = await rebuildFolders(folderUploads(engine), [folder]);

    const uploads = await rebuildFromSalvage(engine, [child, { ...child, id: 'empty', key: 'up/sub/file-0.bin', uploadId: empty }], rebuiltFolderIds(report));

    expect(uploads).toMatchObject({ rebuilt: [], notRebuilt: [], withFolder: 2, withFolderAborted: 1 });
    expect([...f.s3.uploads.keys()]).toEqual([child.uploadId]);
    expect(describeRebuild(uploads).map((line) => line.text)).toEqual([
      '1 unfinished upload of a big file in a folder: rebuilt with its folder, whose next run adopts it from the server',
      '1 unfinished upload of a big file in a folder had no part on the server: aborted (nothing was lost); its rebuilt folder sends the file',
    ]);
  });

  it('records the same folder read twice only once, and leaves the big files of both to it', async () => {
    makeFolder();
    const folders = folderUploads(f.newEngine());
    const report = await rebuildFolders(folders, [salvagedFolder({ id: 'one' }), salvagedFolder({ id: 'two' })]);
    expect(folders.store.listFolders()).toHaveLength(1);
    expect(report.rebuilt.map(({ continued }) => continued)).toEqual([false, true]);
    expect(rebuiltFolderIds(report)).toEqual(new Set(['one', 'two']));
    expect(describeFolderRebuild(report)).toHaveLength(1);
  });
});
