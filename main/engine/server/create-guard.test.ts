import { describe, expect, it } from 'vitest';
import { CreateGuard } from './create-guard.ts';
import { S3Failure } from '../errors.ts';
import type { ObjectLocation } from '../ports/records.ts';
import { probeCapabilities } from '../capabilities/probe-capabilities.ts';
import { MemoryObjectStore, retryableFailure } from '../testing/memory-object-store.ts';

const location: ObjectLocation = { bucket: 'b', key: 'big.bin' };
const lostAnswer = (): S3Failure => new S3Failure('retryable', 'socket hang up', 'ECONNRESET', undefined);

/** Retries retryable failures at once, a few times: the shape of the engine's retry without its delays. */
async function retry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let left = 5; ; left -= 1) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof S3Failure && error.kind === 'retryable') || left === 0) throw error;
    }
  }
}

/** A server that does the work of the next `losing` creates and then loses their answers. */
class LosingCreates extends MemoryObjectStore {
  constructor(public losing: number) {
    super();
  }
  override async createMultipartUpload(...args: Parameters<MemoryObjectStore['createMultipartUpload']>) {
    const created = await super.createMultipartUpload(...args);
    if (this.losing-- > 0) throw lostAnswer();
    return created;
  }
}

describe('CreateGuard', () => {
  it('aborts the empty uploads made by attempts whose answer was lost, and nothing else', async () => {
    const store = new LosingCreates(0);
    const old = await store.createMultipartUpload(location);
    store.uploads.get(old.uploadId)!.initiated -= 3_600_000;
    const other = await store.createMultipartUpload({ ...location, key: 'big.bin.2' });
    const known = await store.createMultipartUpload(location);
    const withParts = await store.createMultipartUpload(location);
    await store.uploadPart(location, withParts.uploadId, 1, Buffer.from('x'), {});
    store.losing = 2;
    const guard = new CreateGuard(store, location, Date.now);
    const { uploadId } = await retry(() => guard.attempt(() => store.createMultipartUpload(location)));
    expect(await guard.sweep(uploadId, retry, (id) => id === known.uploadId)).toBe(2);
    expect([...store.uploads.keys()].sort()).toEqual([old.uploadId, other.uploadId, known.uploadId, withParts.uploadId, uploadId].sort());
  });

  it('lists nothing when every failed attempt failed before reaching the server', async () => {
    const store = new MemoryObjectStore();
    store.failNext('createMultipartUpload', new S3Failure('retryable', 'refused', 'ECONNREFUSED', undefined));
    store.failNext('createMultipartUpload', retryableFailure('SlowDown', 503));
    const guard = new CreateGuard(store, location, Date.now);
    const { uploadId } = await retry(() => guard.attempt(() => store.createMultipartUpload(location)));
    // A 5xx may come after the work was done: that one is checked for.
    expect(await guard.sweep(uploadId, retry)).toBe(0);
    expect(store.callsOf('listMultipartUploads')).toHaveLength(1);
    const clean = new CreateGuard(store, location, Date.now);
    store.failNext('createMultipartUpload', new S3Failure('retryable', 'refused', 'ECONNREFUSED', undefined));
    await clean.sweep((await retry(() => clean.attempt(() => store.createMultipartUpload(location)))).uploadId, retry);
    expect(store.callsOf('listMultipartUploads')).toHaveLength(1);
  });
});

describe('the capability probe under faults', () => {
  it('takes a 400 RequestTimeout for a passing failure, not for a refused header', async () => {
    const store = new MemoryObjectStore();
    store.failNext('uploadPart', new S3Failure('retryable', 'timed out', 'RequestTimeout', 400));
    const found = await probeCapabilities(store, location, 0, retry);
    expect(found.contentMd5).toBe('verified');
  });

  it('leaves no upload behind when an abort or a create answer fails', async () => {
    const store = new LosingCreates(1);
    store.failNext('abortMultipartUpload', retryableFailure('InternalError', 500), { times: 2 });
    await probeCapabilities(store, location, 0, retry);
    expect(store.uploads.size).toBe(0);
  });
});
