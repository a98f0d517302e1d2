import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ByteReader } from '../ports/byte-source.ts';
import type { RemotePart, RemoteUpload } from '../ports/object-store.ts';
import { chooseCandidate, digestCache, inspectServerUpload, partsToCheck, planFromServerParts } from './verify-server-parts.ts';
import type { AdoptionCandidate } from './verify-server-parts.ts';

const MiB = 1024 * 1024;
const part = (partNumber: number, size: number, etag = '"x"'): RemotePart => ({ partNumber, size, etag });
const upload = (uploadId: string, initiated: number | null = 0): RemoteUpload => ({ key: 'k', uploadId, initiated });
const md5 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

/** A reader over a buffer that counts reads. */
function bufferReader(content: Buffer): ByteReader & { reads: number } {
  const reader = {
    reads: 0,
    read: async (offset: number, length: number) => {
      reader.reads += 1;
      return content.subarray(offset, offset + length);
    },
    close: async () => undefined,
  };
  return reader;
}

describe('planFromServerParts', () => {
  it('cuts the file with the size of the lowest-numbered part', () => {
    const plan = planFromServerParts(20 * MiB + 1, [part(2, 6 * MiB), part(1, 6 * MiB)]);
    expect(plan).toMatchObject({ partSize: 6 * MiB });
    expect('parts' in plan && plan.parts.map((p) => p.size)).toEqual([6 * MiB, 6 * MiB, 6 * MiB, 2 * MiB + 1]);
  });

  it('takes the highest-numbered server part as possibly the short last one', () => {
    expect(planFromServerParts(12 * MiB, [part(1, 5 * MiB), part(3, 2 * MiB)])).toMatchObject({ partSize: 5 * MiB });
  });

  it('skips uploads it cannot reproduce: no parts, a first part under 5 MiB, non-last parts of different sizes, a file smaller than a part', () => {
    expect(planFromServerParts(10 * MiB, [])).toEqual({ reason: 'it has no parts' });
    expect(planFromServerParts(10 * MiB, [part(1, 4 * MiB)])).toHaveProperty('reason', expect.stringContaining('under the 5 MiB minimum'));
    expect(planFromServerParts(30 * MiB, [part(1, 5 * MiB), part(2, 6 * MiB), part(3, 5 * MiB)])).toHaveProperty(
      'reason',
      expect.stringContaining('differ in size'),
    );
    expect(planFromServerParts(4 * MiB, [part(1, 5 * MiB)])).toHaveProperty('reason', expect.stringContaining('smaller than its part size'));
  });
});

describe('partsToCheck', () => {
  it('keeps only server parts whose size is the planned size at their number', () => {
    const plan = planFromServerParts(12 * MiB, [part(1, 5 * MiB)]);
    if (!('parts' in plan)) throw new Error('no plan');
    const remote = [part(1, 5 * MiB), part(2, 4 * MiB), part(3, 2 * MiB), part(9, 5 * MiB)];
    expect(partsToCheck(plan.parts, remote).map((entry) => entry.remote.partNumber)).toEqual([1, 3]);
  });
});

describe('inspectServerUpload', () => {
  const content = Buffer.alloc(12 * MiB);
  for (let i = 0; i < content.length; i += 4096) content[i] = (i / 4096) % 251;
  const etagOf = (offset: number, size: number): string => `"${md5(content.subarray(offset, offset + size))}"`;

  it('verifies a part only when its ETag is the MD5 of the local bytes, reading each range once across uploads', async () => {
    const reader = bufferReader(content);
    const digestOf = digestCache(reader);
    const remote = [part(1, 5 * MiB, etagOf(0, 5 * MiB)), part(2, 5 * MiB, '"00000000000000000000000000000000"'), part(3, 2 * MiB, etagOf(10 * MiB, 2 * MiB))];
    const first = await inspectServerUpload(upload('u1'), remote, content.length, digestOf);
    expect(first).toMatchObject({ partSize: 5 * MiB, serverParts: 3 });
    expect('verified' in first && first.verified.map((p) => p.partNumber)).toEqual([1, 3]);
    expect('verified' in first && first.verified[0]?.md5).toBe(etagOf(0, 5 * MiB).replace(/"/g, ''));
    await inspectServerUpload(upload('u2'), remote, content.length, digestOf);
    expect(reader.reads).toBe(3);
  });

  it('where the server lists SHA-256s, a part verifies only when that matches too, and the upload is known to use the algorithm', async () => {
    const sha256Of = (offset: number, size: number) => createHash('sha256').update(content.subarray(offset, offset + size)).digest('base64');
    const remote = [
      { ...part(1, 5 * MiB, etagOf(0, 5 * MiB)), checksumSha256: sha256Of(0, 5 * MiB) },
      { ...part(2, 5 * MiB, etagOf(5 * MiB, 5 * MiB)), checksumSha256: sha256Of(0, 5 * MiB) },
    ];
    const inspected = await inspectServerUpload(upload('u1'), remote, content.length, digestCache(bufferReader(content)));
    expect('verified' in inspected && inspected.verified.map((p) => [p.partNumber, p.checksum])).toEqual([
      [1, `sha256:${Buffer.from(sha256Of(0, 5 * MiB), 'base64').toString('hex')}`],
    ]);
    expect(inspected).toHaveProperty('checksumAlgorithm', 'sha256');
    const plain = await inspectServerUpload(upload('u2'), [part(1, 5 * MiB, etagOf(0, 5 * MiB))], content.length, digestCache(bufferReader(content)));
    expect(plain).toHaveProperty('checksumAlgorithm', null);
  });

  it('reports why an upload cut differently is skipped', async () => {
    const result = await inspectServerUpload(upload('u1'), [part(1, 1024)], content.length, digestCache(bufferReader(content)));
    expect(result).toEqual({ upload: upload('u1'), reason: expect.stringContaining('under the 5 MiB minimum') });
  });
});

describe('chooseCandidate', () => {
  const candidate = (uploadId: string, verified: number, initiated: number | null): AdoptionCandidate => ({
    upload: upload(uploadId, initiated),
    partSize: 5 * MiB,
    plan: [],
    verified: Array.from({ length: verified }, (_, i) => ({ partNumber: i + 1, etag: 'e', md5: 'm', checksum: 'sha256:c' })),
    serverParts: verified,
    checksumAlgorithm: null,
  });

  it('picks the most verified parts, the newest on a tie, and nothing when none verifies', () => {
    expect(chooseCandidate([candidate('a', 2, 5), candidate('b', 3, 1), candidate('c', 1, 9)])?.upload.uploadId).toBe('b');
    expect(chooseCandidate([candidate('a', 2, 5), candidate('b', 2, 7), candidate('c', 2, null)])?.upload.uploadId).toBe('b');
    expect(chooseCandidate([candidate('a', 0, 5)])).toBeUndefined();
    expect(chooseCandidate([])).toBeUndefined();
  });
});
