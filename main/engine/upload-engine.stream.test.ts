import { describe, expect, it } from 'vitest';
import { FILE_SIZE, LOCATION, MiB, TARGET, useEngineFixture } from './testing/engine-fixture.ts';
import { GeneratedSource } from './testing/generated-source.ts';
import type { UploadEngine } from './upload-engine.ts';

// A source that can only regenerate its bytes from the start (a folder sent as
// one archive) is a general engine feature: on resume every completed part is
// made again and checked against its recorded digests before it is skipped.
const f = useEngineFixture();

function streamingEngine(source: GeneratedSource, options = {}): UploadEngine {
  return f.newEngine({ concurrency: 2, ...options }, { archives: source });
}

async function addStream(engine: UploadEngine): Promise<string> {
  const { record } = await engine.addUpload({ path: '/generated', location: LOCATION, target: TARGET, kind: 'archive' });
  return record.id;
}

/** Parts 1 and 2 done, part 3 held and then paused away. */
async function twoOfThreeDone(engine: UploadEngine, id: string): Promise<void> {
  await f.pauseAtPart(engine, id, 3);
  expect(f.store.listParts(id).map((part) => part.state)).toEqual(['done', 'done', 'pending']);
}

describe('a sequential-only (generated) source', () => {
  it('uploads front to back and records the snapshot it was made from', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source);
    const id = await addStream(engine);
    expect(f.store.getUpload(id)).toMatchObject({ sourceKind: 'archive', snapshot: source.snapshot, size: FILE_SIZE });
    expect((await engine.run(id)).outcome).toBe('completed');
    f.expectObjectEquals(source.expected());
    expect(source.bytesGenerated).toBe(FILE_SIZE);
  });

  it('on resume regenerates everything, checks the completed parts and sends only the rest', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source, { concurrency: 1 });
    const id = await addStream(engine);
    await twoOfThreeDone(engine, id);
    source.bytesGenerated = 0;
    const sentBefore = f.s3.callsOf('uploadPart').length;

    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPart').slice(sentBefore).map((call) => call.partNumber)).toEqual([3]);
    expect(result.bytesSent).toBe(FILE_SIZE - 10 * MiB);
    expect(source.bytesGenerated).toBe(FILE_SIZE);
    f.expectObjectEquals(source.expected());
  });

  it('a completed part that regenerates differently is a conflict naming where; nothing is completed', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source, { concurrency: 1 });
    const id = await addStream(engine);
    await twoOfThreeDone(engine, id);
    source.corruptFrom(5 * MiB + 100);

    const result = await engine.run(id);

    expect(result.outcome).toBe('conflict');
    expect(result.error).toBe('/generated changed since the upload started (part 2, inside a.bin, no longer reads the same); its parts will not be mixed');
    expect(f.s3.objects.size).toBe(0);
    expect(engine.snapshot([id])[0]?.state).toBe('conflict');
  });

  it('a changed snapshot is a conflict saying what changed, before anything is read', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source, { concurrency: 1 });
    const id = await addStream(engine);
    await twoOfThreeDone(engine, id);
    source.snapshot = JSON.stringify({ files: ['a.bin', 'b.bin'], version: 2 });
    source.bytesGenerated = 0;

    const result = await engine.run(id);

    expect(result.outcome).toBe('conflict');
    expect(result.error).toMatch(/changed since the upload started \(b\.bin: size 10 → 11\)/);
    expect(source.bytesGenerated).toBe(0);
  });

  it('restart after a conflict takes the new snapshot and sends everything again', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source, { concurrency: 1 });
    const id = await addStream(engine);
    await twoOfThreeDone(engine, id);
    source.snapshot = JSON.stringify({ version: 3 });
    expect((await engine.run(id)).outcome).toBe('conflict');

    await engine.resolveConflict(id, 'restart');
    expect(f.store.getUpload(id)?.snapshot).toBe(source.snapshot);
    expect((await engine.run(id)).outcome).toBe('completed');
    f.expectObjectEquals(source.expected());
  });

  it('is refused where the host has no archive source', async () => {
    const engine = f.newEngine();
    await expect(engine.addUpload({ path: '/generated', location: LOCATION, target: TARGET, kind: 'archive' })).rejects.toThrow(/not available here/);
  });
});

describe('a changed generated source, kept where it still matches', () => {
  it('reuse keeps the leading parts that still regenerate the same and sends the rest', async () => {
    const source = new GeneratedSource(FILE_SIZE);
    const engine = streamingEngine(source, { concurrency: 1 });
    const id = await addStream(engine);
    await twoOfThreeDone(engine, id);
    source.corruptFrom(5 * MiB + 100);
    expect((await engine.run(id)).outcome).toBe('conflict');
    const sentBefore = f.s3.callsOf('uploadPart').length;

    await engine.resolveConflict(id, 'reuse');
    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(f.s3.callsOf('uploadPart').slice(sentBefore).map((call) => call.partNumber)).toEqual([2, 3]);
    f.expectObjectEquals(source.expected());
  });
});
