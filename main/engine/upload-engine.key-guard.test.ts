import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FILE_SIZE, LOCATION, useEngineFixture } from './testing/engine-fixture.ts';

// An object someone else wrote at the key while Hoist's upload ran is never
// replaced without a word (issue 14, point 2): the run ends in conflict, the
// message names the object, and settling the conflict replaces it.

const fixture = useEngineFixture();
const { newEngine, writeSource, expectObjectEquals } = fixture;

const theirs = randomBytes(1234);
const putTheirs = () => fixture.s3.putObject(LOCATION, theirs, {});

describe('an object another writer put at the key', () => {
  it('written while the upload was paused: the run stops before Complete, and settling it replaces the object with the parts kept', async () => {
    const engine = newEngine({ concurrency: 1 });
    const { path, content } = writeSource();
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 3);
    await putTheirs();

    const stopped = await engine.run(id);

    expect(stopped.outcome).toBe('conflict');
    expect(stopped.error).toContain(`s3://${LOCATION.bucket}/${LOCATION.key} holds an object Hoist did not write (ETag`);
    expect(stopped.error).toContain('put there after this upload started (the key was empty then); it was not replaced');
    expect(fixture.s3.getObject(LOCATION)?.body.equals(theirs)).toBe(true);
    expect(fixture.store.getUpload(id)).toMatchObject({ conflict: stopped.error, foreignObject: { size: theirs.length } });
    // The app offers "replace it" / "keep it" for this conflict, not the changed-file choices.
    expect(engine.snapshot([id])[0]).toMatchObject({ state: 'conflict', conflictOver: 'object' });

    await engine.resolveConflict(id, 'reuse');
    const settled = await engine.run(id);

    expect(settled.outcome).toBe('completed');
    expect(settled.bytesSent).toBeLessThan(FILE_SIZE);
    expectObjectEquals(content);
    expect(fixture.store.listEvents(id).map((event) => event.kind)).toContain('resumed');
  });

  it('written after the server lost the upload (as after a crash right after Complete): not started again over it', async () => {
    const engine = newEngine({ concurrency: 1 });
    const { path, content } = writeSource();
    const id = await fixture.addUpload(engine, path);
    await fixture.pauseAtPart(engine, id, 2);
    fixture.s3.forgetUpload(fixture.store.getUpload(id)?.uploadId as string);
    await putTheirs();

    const stopped = await engine.run(id);

    expect(stopped.outcome).toBe('conflict');
    expect(stopped.error).toContain('holds an object Hoist did not write');
    expect(fixture.store.listEvents(id).map((event) => event.kind)).not.toContain('restarted');
    expect(fixture.s3.getObject(LOCATION)?.body.equals(theirs)).toBe(true);
    expect(fixture.s3.callsOf('createMultipartUpload')).toHaveLength(1);

    await engine.resolveConflict(id, 'restart');
    expect((await engine.run(id)).outcome).toBe('completed');
    expectObjectEquals(content);
  });

  it('an object that was at the key when the upload started is the one the user asked to replace: no conflict', async () => {
    await putTheirs();
    const engine = newEngine();
    const { path, content } = writeSource();
    const id = await fixture.addUpload(engine, path);

    expect((await engine.run(id)).outcome).toBe('completed');
    expectObjectEquals(content);
    expect(fixture.store.getUpload(id)?.keyAtStart).toEqual({ etag: expect.any(String), size: theirs.length });
  });
});
