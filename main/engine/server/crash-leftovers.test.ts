import { describe, expect, it } from 'vitest';
import { sweepCrashLeftovers } from './crash-leftovers.ts';
import type { ObjectLocation } from '../ports/records.ts';
import { PROBE_BODY } from '../capabilities/probe-body.ts';
import { MemoryObjectStore } from '../testing/memory-object-store.ts';

const location: ObjectLocation = { bucket: 'b', key: 'big.bin' };
const retry = <T>(attempt: () => Promise<T>): Promise<T> => attempt();

describe('sweepCrashLeftovers', () => {
  it('aborts the empty and probe-only uploads a killed run left since the record was made, and nothing else', async () => {
    const store = new MemoryObjectStore();
    const since = Date.now() - 60_000;
    // What a run killed after CreateMultipartUpload, and one killed in the probe, leave.
    await store.createMultipartUpload(location);
    const probe = await store.createMultipartUpload(location);
    await store.uploadPart(location, probe.uploadId, 1, PROBE_BODY, {});
    // Not ours to touch: older than the record, real parts, another key, one the database continues.
    const old = await store.createMultipartUpload(location);
    store.uploads.get(old.uploadId)!.initiated = since - 3_600_000;
    const withParts = await store.createMultipartUpload(location);
    await store.uploadPart(location, withParts.uploadId, 1, Buffer.from('someone else is uploading this'), {});
    const otherKey = await store.createMultipartUpload({ ...location, key: 'big.bin.2' });
    const known = await store.createMultipartUpload(location);
    const created = await store.createMultipartUpload(location);

    const sweep = { objects: store, location, retry, isKnown: (id: string) => id === known.uploadId };
    expect(await sweepCrashLeftovers(sweep, created.uploadId, since, Date.now())).toBe(2);
    expect([...store.uploads.keys()].sort()).toEqual([old.uploadId, withParts.uploadId, otherKey.uploadId, known.uploadId, created.uploadId].sort());
  });

  it('never fails the run when the server cannot list', async () => {
    const store = new MemoryObjectStore();
    const created = await store.createMultipartUpload(location);
    store.failNext('listMultipartUploads', new Error('no network'));
    const sweep = { objects: store, location, retry, isKnown: () => false };
    expect(await sweepCrashLeftovers(sweep, created.uploadId, Date.now(), Date.now())).toBe(0);
  });
});
