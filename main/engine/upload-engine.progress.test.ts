import { describe, expect, it } from 'vitest';
import type { SendOptions, BodyDigests } from './ports/object-store.ts';
import type { ObjectLocation } from './ports/records.ts';
import { MiB, useEngineFixture } from './testing/engine-fixture.ts';
import { MemoryObjectStore } from './testing/memory-object-store.ts';

// Progress as hosts show it: the bytes the server confirmed, with the part on
// the wire apart, so a kill (which loses that part) never makes a row go back.

const f = useEngineFixture();

/** Sends 1 MiB of part `held` and stops there until released, as a slow link would. */
class HalfwayStore extends MemoryObjectStore {
  private release: () => void = () => undefined;
  readonly released = new Promise<void>((resolve) => (this.release = resolve));
  private arrive: () => void = () => undefined;
  readonly reached = new Promise<void>((resolve) => (this.arrive = resolve));

  constructor(private readonly held: number) {
    super();
  }

  override async uploadPart(location: ObjectLocation, uploadId: string, partNumber: number, body: Uint8Array, digests: BodyDigests, options: SendOptions = {}) {
    if (partNumber === this.held) {
      options.onBytesSent?.(MiB);
      this.arrive();
      await this.released;
    }
    return super.uploadPart(location, uploadId, partNumber, body, digests, { ...options, onBytesSent: undefined });
  }

  letGo(): void {
    this.release();
  }
}

describe('UploadEngine: progress of a running upload', () => {
  it('reports confirmed bytes as bytesDone and the part on the wire as bytesInFlight', async () => {
    const s3 = new HalfwayStore(2);
    const engine = f.newEngine({ concurrency: 1 }, { objectStoreFor: () => s3 });
    const { path } = f.writeSource();
    const id = await f.addUpload(engine, path);

    const running = engine.run(id);
    await s3.reached;
    // Part 1 (5 MiB) is acknowledged; 1 MiB of part 2 is on the wire.
    expect(engine.snapshot([id])[0]).toMatchObject({ state: 'uploading', bytesDone: 5 * MiB, bytesInFlight: MiB, partsInFlight: 1, partsDone: 1 });
    s3.letGo();
    expect((await running).outcome).toBe('completed');
    expect(engine.snapshot([id])[0]).toMatchObject({ bytesInFlight: 0, partsInFlight: 0 });
  });

  it('shows no part in flight while the upload waits for a slot another upload holds', async () => {
    const s3 = new HalfwayStore(1);
    const engine = f.newEngine({ concurrency: 1, maxActiveUploads: 2 }, { objectStoreFor: () => s3 });
    const first = await f.addUpload(engine, f.writeSource(undefined, 'a.bin').path, { key: 'a.bin' });
    const second = await f.addUpload(engine, f.writeSource(undefined, 'b.bin').path, { key: 'b.bin' });

    const runs = [engine.run(first), engine.run(second)];
    await s3.reached;
    const views = engine.snapshot([first, second]);
    // One holds the only part slot; the other runs but sends nothing: the UI says "Waiting", not "Uploading 0 B/s".
    expect(views.map((view) => view.partsInFlight).sort()).toEqual([0, 1]);
    s3.letGo();
    expect((await Promise.all(runs)).map((result) => result.outcome)).toEqual(['completed', 'completed']);
  });
});
