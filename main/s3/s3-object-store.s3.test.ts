import { createHash, randomBytes } from 'node:crypto';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, listUnfinishedUploads, removeTestBucket, s3Config, testClient } from '../../e2e/support/s3-fixture.ts';
import type { S3TestConfig } from '../../e2e/support/s3-test-config.ts';
import { S3Failure } from '../engine/errors.ts';
import type { ObjectLocation, TargetConfig } from '../engine/ports/records.ts';
import { unquoteEtag } from '../../shared/domain/etag.ts';
import { S3ObjectStore } from './s3-object-store.ts';

const MiB = 1024 * 1024;
const config = s3Config();
const checks = testClient(config);
const target: TargetConfig = { endpoint: config.endpoint, region: config.region, pathStyle: config.pathStyle };
let bucket: string;

/**
 * The adapter's client as createS3Client makes it (one attempt: the engine
 * owns retries; checksums only when required), but with the test server's
 * keys given explicitly rather than read from the environment's AWS chain.
 */
function adapterClient(c: S3TestConfig): S3Client {
  return new S3Client({
    region: c.region,
    ...(c.endpoint ? { endpoint: c.endpoint } : {}),
    forcePathStyle: c.pathStyle,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    credentials: { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey },
  });
}

function storeWith(pageSize?: number, client: S3Client = adapterClient(config)): S3ObjectStore {
  return new S3ObjectStore(client, target, pageSize);
}

const md5Base64 = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('base64');
const md5Hex = (bytes: Uint8Array): string => createHash('md5').update(bytes).digest('hex');

let keyCounter = 0;
function newLocation(prefix: string): ObjectLocation {
  keyCounter += 1;
  return { bucket, key: `${prefix}-${keyCounter}-${randomBytes(3).toString('hex')}` };
}

async function getBytes(location: ObjectLocation): Promise<Buffer> {
  const output = await checks.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
  const chunks: Uint8Array[] = [];
  for await (const chunk of output.Body as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

/** Runs `work` and returns what it threw (failing the test if it did not throw). */
async function failureOf(work: () => Promise<unknown>): Promise<S3Failure> {
  let thrown: unknown;
  try {
    await work();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, 'expected the call to throw').toBeInstanceOf(S3Failure);
  return thrown as S3Failure;
}

beforeAll(async () => {
  bucket = await createTestBucket(checks, config);
});
afterAll(async () => {
  await removeTestBucket(checks, bucket);
});

describe('S3ObjectStore against a real server', () => {
  it('creates, uploads parts, lists them and completes: the object has the same bytes', async () => {
    const store = storeWith();
    const location = newLocation('roundtrip');
    const part1 = randomBytes(5 * MiB);
    const part2 = randomBytes(123_457);
    const { uploadId } = await store.createMultipartUpload(location);
    expect(uploadId).toMatch(/\S/);

    const { etag: etag1 } = await store.uploadPart(location, uploadId, 1, part1, { md5Base64: md5Base64(part1) });
    const { etag: etag2 } = await store.uploadPart(location, uploadId, 2, part2, { md5Base64: md5Base64(part2) });
    // A part's ETag is the MD5 of its bytes (no SSE here).
    expect(unquoteEtag(etag1)).toBe(md5Hex(part1));
    expect(unquoteEtag(etag2)).toBe(md5Hex(part2));

    const listed = await store.listParts(location, uploadId);
    expect(listed.map((part) => ({ ...part, etag: unquoteEtag(part.etag) }))).toEqual([
      { partNumber: 1, etag: md5Hex(part1), size: part1.length },
      { partNumber: 2, etag: md5Hex(part2), size: part2.length },
    ]);

    // Parts given out of order: the adapter sorts them.
    const completed = await store.completeMultipartUpload(location, uploadId, [
      { partNumber: 2, etag: etag2 },
      { partNumber: 1, etag: etag1 },
    ]);
    // RGW leaves <ETag> empty on Complete: the adapter gives null, never "".
    expect(completed.etag === null || /\S/.test(completed.etag)).toBe(true);

    const expectedEtag = `${createHash('md5')
      .update(Buffer.concat([createHash('md5').update(part1).digest(), createHash('md5').update(part2).digest()]))
      .digest('hex')}-2`;
    const head = await store.headObject(location);
    expect(head).toEqual({ size: part1.length + part2.length, etag: expect.any(String), lastModified: expect.any(Number) });
    expect(unquoteEtag(head?.etag)).toBe(expectedEtag);

    const bytes = await getBytes(location);
    expect(bytes.equals(Buffer.concat([part1, part2]))).toBe(true);
    expect(await listUnfinishedUploads(checks, bucket)).not.toContainEqual({ key: location.key, uploadId });
  });

  it('listParts reads every page (page size 2, 5 parts)', async () => {
    const client = adapterClient(config);
    const pageRequests: Array<string | undefined> = [];
    client.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'ListPartsCommand') {
          const input = args.input as { PartNumberMarker?: string; MaxParts?: number };
          expect(input.MaxParts).toBe(2);
          pageRequests.push(input.PartNumberMarker);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countListPartsPages' },
    );
    const store = storeWith(2, client);
    const location = newLocation('paged');
    const { uploadId } = await store.createMultipartUpload(location);
    // Non-last parts under 5 MiB are accepted by UploadPart; only Complete would reject them.
    const parts = [1, 2, 3, 4, 5].map((partNumber) => ({ partNumber, bytes: randomBytes(1000 + partNumber) }));
    for (const { partNumber, bytes } of parts) await store.uploadPart(location, uploadId, partNumber, bytes, { md5Base64: md5Base64(bytes) });

    const listed = await store.listParts(location, uploadId);
    expect(listed.map((part) => ({ ...part, etag: unquoteEtag(part.etag) }))).toEqual(
      parts.map(({ partNumber, bytes }) => ({ partNumber, etag: md5Hex(bytes), size: bytes.length })),
    );
    // Three pages: from the start, after part 2, after part 4.
    expect(pageRequests).toEqual([undefined, '2', '4']);
    await store.abortMultipartUpload(location, uploadId);
  });

  it('listParts on an aborted upload throws upload-gone', async () => {
    const store = storeWith();
    const location = newLocation('aborted-list');
    const { uploadId } = await store.createMultipartUpload(location);
    const bytes = randomBytes(2048);
    await store.uploadPart(location, uploadId, 1, bytes, { md5Base64: md5Base64(bytes) });
    await store.abortMultipartUpload(location, uploadId);

    const failure = await failureOf(() => store.listParts(location, uploadId));
    expect(failure.kind).toBe('upload-gone');
    expect(failure.message).toMatch(/no longer has this multipart upload/);
  });

  it('uploadPart on an aborted upload throws upload-gone', async () => {
    const store = storeWith();
    const location = newLocation('aborted-part');
    const { uploadId } = await store.createMultipartUpload(location);
    await store.abortMultipartUpload(location, uploadId);

    const bytes = randomBytes(4096);
    const failure = await failureOf(() => store.uploadPart(location, uploadId, 1, bytes, { md5Base64: md5Base64(bytes) }));
    expect(failure.kind).toBe('upload-gone');
  });

  it('aborting twice is fine: the second abort is a no-op', async () => {
    const store = storeWith();
    const location = newLocation('abort-twice');
    const { uploadId } = await store.createMultipartUpload(location);
    await store.abortMultipartUpload(location, uploadId);
    await expect(store.abortMultipartUpload(location, uploadId)).resolves.toBeUndefined();
    expect(await listUnfinishedUploads(checks, bucket)).not.toContainEqual({ key: location.key, uploadId });
  });

  it('rejects a part whose Content-MD5 is wrong (BadDigest, retryable) and stores nothing for it', async () => {
    const store = storeWith();
    const location = newLocation('bad-digest');
    const { uploadId } = await store.createMultipartUpload(location);
    const good = randomBytes(3000);
    await store.uploadPart(location, uploadId, 1, good, { md5Base64: md5Base64(good) });

    const bytes = randomBytes(3000);
    const wrongMd5 = md5Base64(randomBytes(3000));
    const failure = await failureOf(() => store.uploadPart(location, uploadId, 2, bytes, { md5Base64: wrongMd5 }));
    expect(failure.code).toBe('BadDigest');
    expect(failure.kind).toBe('retryable');
    expect(failure.status).toBe(400);

    const listed = await store.listParts(location, uploadId);
    expect(listed.map((part) => part.partNumber)).toEqual([1]);
    await store.abortMultipartUpload(location, uploadId);
  });

  it('rejects a PutObject whose Content-MD5 is wrong and stores no object', async () => {
    const store = storeWith();
    const location = newLocation('bad-digest-put');
    const bytes = randomBytes(1500);
    const failure = await failureOf(() => store.putObject(location, bytes, { md5Base64: md5Base64(randomBytes(1500)) }));
    expect(failure.code).toBe('BadDigest');
    expect(failure.kind).toBe('retryable');
    expect(await store.headObject(location)).toBeUndefined();
  });

  it('headObject of a missing key is undefined', async () => {
    const store = storeWith();
    expect(await store.headObject(newLocation('never-written'))).toBeUndefined();
  });

  it('putObject of 0 bytes makes an empty object', async () => {
    const store = storeWith();
    const location = newLocation('empty');
    const empty = new Uint8Array(0);
    const sent: number[] = [];
    const { etag } = await store.putObject(location, empty, { md5Base64: md5Base64(empty) }, { onBytesSent: (count) => sent.push(count) });
    expect(unquoteEtag(etag)).toBe(md5Hex(empty));
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(0);
    expect(await store.headObject(location)).toEqual({ size: 0, etag: expect.any(String), lastModified: expect.any(Number) });
    expect((await getBytes(location)).length).toBe(0);
  });

  it('putObject stores the bytes and reports them all through onBytesSent', async () => {
    const store = storeWith();
    const location = newLocation('put');
    const bytes = randomBytes(MiB + 4321);
    const sent: number[] = [];
    const { etag } = await store.putObject(location, bytes, { md5Base64: md5Base64(bytes) }, { onBytesSent: (count) => sent.push(count) });
    expect(unquoteEtag(etag)).toBe(md5Hex(bytes));
    expect(sent.every((count) => count > 0)).toBe(true);
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(bytes.length);
    expect((await getBytes(location)).equals(bytes)).toBe(true);
  });

  it('uploadPart reports every body byte through onBytesSent', async () => {
    const store = storeWith();
    const location = newLocation('progress');
    const { uploadId } = await store.createMultipartUpload(location);
    const bytes = randomBytes(3 * MiB + 17);
    const sent: number[] = [];
    await store.uploadPart(location, uploadId, 1, bytes, { md5Base64: md5Base64(bytes) }, { onBytesSent: (count) => sent.push(count) });
    // Sent in several chunks as the socket takes them, never more than the body.
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.reduce((sum, count) => sum + count, 0)).toBe(bytes.length);
    await store.abortMultipartUpload(location, uploadId);
  });

  describe('a bucket that does not exist', () => {
    const missing = (): ObjectLocation => ({ bucket: `${bucket}-missing`, key: 'some/key.bin' });

    it('CreateMultipartUpload fails fatally, naming the bucket', async () => {
      const failure = await failureOf(() => storeWith().createMultipartUpload(missing()));
      expect(failure.kind).toBe('fatal');
      expect(failure.code).toBe('NoSuchBucket');
      expect(failure.status).toBe(404);
      expect(failure.message).toContain(`bucket "${missing().bucket}" not found`);
      expect(failure.message).toContain(config.endpoint ?? 'AWS S3');
    });

    it('PutObject fails fatally, naming the bucket', async () => {
      const bytes = randomBytes(100);
      const failure = await failureOf(() => storeWith().putObject(missing(), bytes, { md5Base64: md5Base64(bytes) }));
      expect(failure.kind).toBe('fatal');
      expect(failure.code).toBe('NoSuchBucket');
      expect(failure.message).toContain(`bucket "${missing().bucket}" not found`);
    });
  });

  it('wrong credentials fail fatally with a clear message', async () => {
    const store = storeWith(undefined, adapterClient({ ...config, secretAccessKey: 'not-the-secret-key-0123456789abcdef' }));
    const failure = await failureOf(() => store.createMultipartUpload(newLocation('bad-keys')));
    expect(failure.kind).toBe('fatal');
    expect(failure.message).toMatch(/wrong credentials/);
  });
});
