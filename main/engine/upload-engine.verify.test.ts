import { openSync, closeSync, writeSync, utimesSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { choosePartsToVerify } from './changes/source-check.ts';
import { MiB, useEngineFixture } from './testing/engine-fixture.ts';
import { fatalFailure } from './testing/memory-object-store.ts';

// Same size, same mtime (restored with `touch -d`), same inode, and the first
// and last MiB untouched, so the fingerprint agrees: only re-reading the
// completed parts shows the bytes changed.
const fixture = useEngineFixture();
const PART = 5 * MiB;
const MTIME = 1_700_000_000;

/** Uploads 7 of 8 parts, then stops (part 8 refused); returns the upload id. */
async function sevenOfEightDone(engine: ReturnType<typeof fixture.newEngine>) {
  const { path } = fixture.writeSource(8 * PART, 'big.bin');
  utimesSync(path, MTIME, MTIME);
  const id = await fixture.addUpload(engine, path);
  fixture.s3.failNext('uploadPart', fatalFailure(), { partNumber: 8 });
  expect((await engine.run(id)).outcome).toBe('failed');
  expect(fixture.store.listParts(id).filter((part) => part.state === 'done')).toHaveLength(7);
  return { id, path };
}

function changeInPlace(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.from('changed bytes'), 0, 13, offset);
  } finally {
    closeSync(fd);
  }
  utimesSync(path, MTIME, MTIME);
}

describe('re-reading completed parts on resume', () => {
  it('the sample always reads the first completed part', async () => {
    const engine = fixture.newEngine({ concurrency: 1 });
    const { id, path } = await sevenOfEightDone(engine);
    changeInPlace(path, 2 * MiB);
    const result = await engine.run(id);
    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/part 1 reads differently/);
    expect(fixture.s3.objects.size).toBe(0);
  });

  it('--verify all reads every completed part, so a change in any of them is caught', async () => {
    const engine = fixture.newEngine({ concurrency: 1, verify: 'all' });
    const { id, path } = await sevenOfEightDone(engine);
    changeInPlace(path, 3 * PART + 2 * MiB);
    const result = await engine.run(id);
    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/part 4 reads differently/);
    expect(fixture.s3.objects.size).toBe(0);
  });

  it('an unchanged file resumes and completes after the check', async () => {
    const engine = fixture.newEngine({ concurrency: 1, verify: 'all' });
    const { id } = await sevenOfEightDone(engine);
    const result = await engine.run(id);
    expect(result.outcome).toBe('completed');
    expect(result.partsSkipped).toBe(7);
  });
});

describe('choosePartsToVerify', () => {
  const parts = Array.from({ length: 20 }, (_, index) => ({ partNumber: index + 1 }));

  it('takes the first, the last and random others, five in all, in order', () => {
    let seed = 0.1;
    const random = () => (seed = (seed * 7.3) % 1);
    const chosen = choosePartsToVerify(parts, 'sample', random).map((part) => part.partNumber);
    expect(chosen).toHaveLength(5);
    expect(chosen[0]).toBe(1);
    expect(chosen[4]).toBe(20);
    expect([...chosen].sort((a, b) => a - b)).toEqual(chosen);
  });

  it('takes every part in "all" mode, and when there are few', () => {
    expect(choosePartsToVerify(parts, 'all')).toHaveLength(20);
    expect(choosePartsToVerify(parts.slice(0, 4), 'sample')).toHaveLength(4);
  });
});
