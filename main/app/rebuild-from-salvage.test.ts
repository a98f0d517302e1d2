import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { S3Failure } from '../engine/errors.ts';
import { describeRebuild, rebuildFromSalvage } from './rebuild-from-salvage.ts';
import type { SalvagedUpload } from '../store/salvage-state.ts';
import { FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from '../engine/testing/engine-fixture.ts';

// A damaged state database was replaced by a new one: the uploads read from
// it are adopted again from the server, their parts verified against the files.

const fixture = useEngineFixture();
const PART = 5 * MiB;

/** An upload that sent two of its three parts, then lost its record (as a replaced database loses it). */
async function halfSentThenForgotten(name = 'file.bin', key = LOCATION.key): Promise<{ salvaged: SalvagedUpload; content: Buffer; path: string }> {
  const engine = fixture.newEngine({ concurrency: 1 });
  const { path, content } = fixture.writeSource(FILE_SIZE, name);
  const id = await fixture.addUpload(engine, path, { key });
  fixture.s3.failNext('uploadPart', new S3Failure('fatal', 'refused for the test', 'AccessDenied', 403), { partNumber: 3 });
  expect(await engine.run(id)).toMatchObject({ outcome: 'failed' });
  const record = fixture.store.getUpload(id);
  fixture.store.deleteUpload(id);
  const salvaged: SalvagedUpload = {
    id,
    path,
    bucket: LOCATION.bucket,
    key,
    endpoint: TARGET.endpoint,
    region: TARGET.region,
    pathStyle: TARGET.pathStyle,
    uploadId: record?.uploadId ?? null,
    targetId: null,
    state: 'failed',
    sourceKind: 'file',
    folderId: null,
  };
  return { salvaged, content, path };
}

describe('rebuildFromSalvage', () => {
  it('adopts an unfinished upload again with its verified parts, and the run sends only the rest', async () => {
    const { salvaged, content } = await halfSentThenForgotten();
    const engine = fixture.newEngine();
    const report = await rebuildFromSalvage(engine, [salvaged]);
    expect(report.notRebuilt).toEqual([]);
    expect(report.rebuilt).toHaveLength(1);
    const [rebuilt] = report.rebuilt;
    expect(rebuilt?.partsVerified).toBe(2);
    expect(rebuilt?.record).toMatchObject({ uploadId: salvaged.uploadId, path: salvaged.path, key: salvaged.key, state: 'queued' });
    expect(fixture.store.listParts(rebuilt?.record.id as string).map((part) => part.state)).toEqual(['done', 'done', 'pending']);

    const result = await engine.run(rebuilt?.record.id as string);
    expect(result).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: FILE_SIZE - 2 * PART });
    fixture.expectObjectEquals(content);
    expect(fixture.s3.uploads.size).toBe(0);
    expect(describeRebuild(report)).toEqual([
      {
        ok: true,
        text: `rebuilt upload ${rebuilt?.record.id} of ${salvaged.path} to s3://${LOCATION.bucket}/${LOCATION.key} from the server (2 parts verified against the file); resume continues it`,
      },
    ]);
  });

  it('reports, with the reason, each upload it cannot rebuild, and rebuilds the others', async () => {
    const good = await halfSentThenForgotten('good.bin', 'k/good.bin');
    const gone = await halfSentThenForgotten('gone.bin', 'k/gone.bin');
    fixture.s3.forgetUpload(gone.salvaged.uploadId as string);
    const missing = await halfSentThenForgotten('missing.bin', 'k/missing.bin');
    rmSync(missing.path);
    const salvaged: SalvagedUpload[] = [
      gone.salvaged,
      missing.salvaged,
      { ...good.salvaged, id: 'neverSent', uploadId: null, key: 'k/never.bin' },
      { ...good.salvaged, id: 'folder', sourceKind: 'archive', path: fixture.dir, key: 'k/folder.tar' },
      { ...good.salvaged, id: 'done1', state: 'completed' },
      { ...good.salvaged, id: 'done2', state: 'cancelled' },
      good.salvaged,
      // The same upload read twice (a row salvaged from two damaged copies): adopted once.
      { ...good.salvaged, id: 'again' },
    ];
    const engine = fixture.newEngine();
    const report = await rebuildFromSalvage(engine, salvaged);
    expect(report.rebuilt.map((r) => r.upload.key)).toEqual(['k/good.bin']);
    expect(report.finished).toBe(2);
    const reasons = Object.fromEntries(report.notRebuilt.map((r) => [r.upload.id, r.reason]));
    expect(reasons).toEqual({
      [gone.salvaged.id as string]: `the server has no unfinished upload ${gone.salvaged.uploadId} of s3://${LOCATION.bucket}/k/gone.bin`,
      [missing.salvaged.id as string]: expect.stringMatching(/^the file is not there \(file not found: .*missing\.bin\); its parts stay on the server \(see orphans\)$/),
      neverSent: 'it had not reached the server yet: upload the file again',
      folder: 'a folder sent as one archive cannot be checked against the server part by part: upload the folder again',
      again: `upload ${good.salvaged.uploadId} is already in the state database; run resume`,
    });
    const lines = describeRebuild(report);
    expect(lines.filter((line) => !line.ok)).toHaveLength(5);
    expect(lines.at(-1)).toEqual({ ok: true, text: '2 finished uploads: only their history was lost' });
    // The missing file's parts were left on the server for orphans; nothing else was touched.
    expect(fixture.s3.uploads.has(missing.salvaged.uploadId as string)).toBe(true);
  });

  it('never throws when the server cannot be asked: the upload is reported, its parts left where they are', async () => {
    const { salvaged } = await halfSentThenForgotten();
    const engine = fixture.newEngine();
    fixture.s3.failNext('listMultipartUploads', new S3Failure('fatal', 'Access Denied', 'AccessDenied', 403));
    const report = await rebuildFromSalvage(engine, [salvaged]);
    expect(report.rebuilt).toEqual([]);
    expect(report.notRebuilt[0]?.reason).toBe('the server could not be asked (Access Denied); its parts stay there (see orphans, adopt)');
    expect(fixture.s3.uploads.has(salvaged.uploadId as string)).toBe(true);
    expect(fixture.store.listUploads()).toEqual([]);
  });

  it('rebuilds nothing from parts that do not match the file any more (changed since)', async () => {
    const { salvaged } = await halfSentThenForgotten();
    fixture.writeSource(FILE_SIZE, 'file.bin');
    const report = await rebuildFromSalvage(fixture.newEngine(), [salvaged]);
    expect(report.rebuilt).toEqual([]);
    expect(report.notRebuilt[0]?.reason).toMatch(/none of its 2 parts matches the file/);
    expect(join(fixture.dir, 'file.bin')).toBe(salvaged.path);
  });
});
