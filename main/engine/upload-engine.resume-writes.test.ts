import { describe, expect, it, vi } from 'vitest';
import { MiB, useEngineFixture } from './testing/engine-fixture.ts';

// A resume reconciles every recorded part with ListParts. The state store syncs
// each write to disk, so writing a record that does not change (a part still
// pending, as thousands are in a big upload) would delay the first part by
// seconds: only parts whose record changes are written.

const fixture = useEngineFixture();

describe('UploadEngine resume', () => {
  it('writes no record for parts that were pending and still are; the upload completes', async () => {
    const engine = fixture.newEngine({ concurrency: 1 });
    const { path, content } = fixture.writeSource(8 * 5 * MiB + 1);
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 3);
    expect(fixture.store.listParts(id).map((part) => part.state)).toEqual(['done', 'done', ...Array(7).fill('pending')]);

    const pendingWrites = vi.spyOn(fixture.store, 'markPartPending');
    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    // Part 3 went back to pending when paused; reconciling it, or the six after it, changes nothing.
    expect(pendingWrites).not.toHaveBeenCalled();
    fixture.expectObjectEquals(content);
  });

  it('still writes the parts whose record does change: done here but gone from the server', async () => {
    const engine = fixture.newEngine({ concurrency: 1 });
    const { path, content } = fixture.writeSource(4 * 5 * MiB + 1);
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 3);
    const uploadId = fixture.store.getUpload(id)?.uploadId as string;
    fixture.s3.uploads.get(uploadId)?.parts.delete(2);

    const pendingWrites = vi.spyOn(fixture.store, 'markPartPending');
    const result = await engine.run(id);

    expect(result.outcome).toBe('completed');
    expect(pendingWrites.mock.calls.map(([, partNumber]) => partNumber)).toEqual([2]);
    fixture.expectObjectEquals(content);
  });
});
