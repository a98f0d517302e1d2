import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { S3Failure } from '../errors.ts';
import { MemoryObjectStore, fatalFailure, retryableFailure } from './memory-object-store.ts';

// The engine tests trust this fake to behave like S3; these tests pin that down.

const MiB = 1024 * 1024;
const at = { bucket: 'b', key: 'k' };
const md5 = (bytes: Uint8Array): Buffer => createHash('md5').update(bytes).digest();
const bytes = (size: number, seed: number): Buffer => Buffer.alloc(size, seed);

async function failureOf(promise: Promise<unknown>): Promise<S3Failure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(S3Failure);
  return error as S3Failure;
}

describe('MemoryObjectStore', () => {
  it('stores parts with quoted-MD5 ETags and completes to the concatenation with an md5-of-md5s ETag', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const one = bytes(5 * MiB, 1);
    const two = bytes(1000, 2);
    const first = await s3.uploadPart(at, uploadId, 1, one, { md5Base64: md5(one).toString('base64') });
    const second = await s3.uploadPart(at, uploadId, 2, two, { md5Base64: md5(two).toString('base64') });
    expect(first.etag).toBe(`"${md5(one).toString('hex')}"`);
    expect(await s3.listParts(at, uploadId)).toEqual([
      { partNumber: 1, etag: first.etag, size: 5 * MiB },
      { partNumber: 2, etag: second.etag, size: 1000 },
    ]);
    const { etag } = await s3.completeMultipartUpload(at, uploadId, [
      { partNumber: 1, etag: first.etag },
      { partNumber: 2, etag: second.etag },
    ]);
    const expected = `"${md5(Buffer.concat([md5(one), md5(two)])).toString('hex')}-2"`;
    expect(etag).toBe(expected);
    expect(s3.getObject(at)?.body.equals(Buffer.concat([one, two]))).toBe(true);
    expect(await s3.headObject(at)).toEqual({ size: 5 * MiB + 1000, etag: expected });
    expect(s3.uploads.size).toBe(0);
  });

  it('rejects a wrong Content-MD5 as a retryable BadDigest and stores nothing', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const failure = await failureOf(s3.uploadPart(at, uploadId, 1, bytes(10, 1), { md5Base64: md5(bytes(10, 2)).toString('base64') }));
    expect([failure.kind, failure.code]).toEqual(['retryable', 'BadDigest']);
    expect(await s3.listParts(at, uploadId)).toEqual([]);
  });

  it('answers BadDigest for a body damaged in transit, once', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const body = bytes(10, 1);
    s3.corruptNextUploadPart(1);
    expect((await failureOf(s3.uploadPart(at, uploadId, 1, body, { md5Base64: md5(body).toString('base64') }))).code).toBe('BadDigest');
    await expect(s3.uploadPart(at, uploadId, 1, body, { md5Base64: md5(body).toString('base64') })).resolves.toHaveProperty('etag');
  });

  it('answers upload-gone for an unknown or aborted upload id', async () => {
    const s3 = new MemoryObjectStore();
    expect((await failureOf(s3.listParts(at, 'nope'))).kind).toBe('upload-gone');
    const { uploadId } = await s3.createMultipartUpload(at);
    await s3.abortMultipartUpload(at, uploadId);
    await s3.abortMultipartUpload(at, uploadId); // already gone: fine
    const body = bytes(10, 1);
    expect((await failureOf(s3.uploadPart(at, uploadId, 1, body, { md5Base64: md5(body).toString('base64') }))).kind).toBe('upload-gone');
    expect((await failureOf(s3.completeMultipartUpload(at, uploadId, [{ partNumber: 1, etag: '"x"' }]))).kind).toBe('upload-gone');
  });

  it('refuses to complete with a small non-last part or a wrong ETag', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const small = bytes(10, 1);
    const { etag } = await s3.uploadPart(at, uploadId, 1, small, { md5Base64: md5(small).toString('base64') });
    await s3.uploadPart(at, uploadId, 2, small, { md5Base64: md5(small).toString('base64') });
    const both = [
      { partNumber: 1, etag },
      { partNumber: 2, etag },
    ];
    expect((await failureOf(s3.completeMultipartUpload(at, uploadId, both))).code).toBe('EntityTooSmall');
    expect((await failureOf(s3.completeMultipartUpload(at, uploadId, [{ partNumber: 1, etag: '"0000"' }]))).code).toBe('InvalidPart');
    expect(s3.getObject(at)).toBeUndefined();
  });

  it('fails the next matching call once per injected failure', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const body = bytes(10, 1);
    const digest = { md5Base64: md5(body).toString('base64') };
    s3.failNext('uploadPart', retryableFailure(), { partNumber: 2 });
    s3.failNext('uploadPart', fatalFailure(), { partNumber: 2 });
    await s3.uploadPart(at, uploadId, 1, body, digest); // other part number: unaffected
    expect((await failureOf(s3.uploadPart(at, uploadId, 2, body, digest))).kind).toBe('retryable');
    expect((await failureOf(s3.uploadPart(at, uploadId, 2, body, digest))).kind).toBe('fatal');
    await expect(s3.uploadPart(at, uploadId, 2, body, digest)).resolves.toHaveProperty('etag');
    expect(s3.pendingFailures).toBe(0);
  });

  it('holds a part until released, and fails it as interrupted when its signal aborts', async () => {
    const s3 = new MemoryObjectStore();
    const { uploadId } = await s3.createMultipartUpload(at);
    const body = bytes(10, 1);
    const digest = { md5Base64: md5(body).toString('base64') };

    const released = s3.holdUploadPart(1);
    let done = false;
    const sending = s3.uploadPart(at, uploadId, 1, body, digest).then(() => (done = true));
    await released.reached;
    await new Promise((resolve) => setImmediate(resolve));
    expect(done).toBe(false);
    released.release();
    await sending;
    expect(done).toBe(true);

    const aborted = s3.holdUploadPart(2);
    const controller = new AbortController();
    const cut = s3.uploadPart(at, uploadId, 2, body, digest, { signal: controller.signal });
    await aborted.reached;
    controller.abort();
    expect((await failureOf(cut)).code).toBe('AbortError');
    expect((await s3.listParts(at, uploadId)).map((part) => part.partNumber)).toEqual([1]);
  });

  it('reports the bytes sent in chunks that add up to the body', async () => {
    const s3 = new MemoryObjectStore();
    s3.chunkSize = 1000;
    const body = bytes(2500, 1);
    const reported: number[] = [];
    await s3.putObject(at, body, { md5Base64: md5(body).toString('base64') }, { onBytesSent: (count) => reported.push(count) });
    expect(reported).toEqual([1000, 1000, 500]);
    expect(s3.bytesSentCallbacks).toBe(3);
    expect(s3.getObject(at)?.etag).toBe(`"${md5(body).toString('hex')}"`);
  });
});
