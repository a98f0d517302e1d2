// The tests' own S3 checks: a plain SDK client, independent of Hoist's adapter.
// Free of vitest and Playwright, so both suites use the same helpers.
import { createHash, randomBytes } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3';
import type { S3TestConfig } from './s3-test-config.ts';

export function testClient(config: S3TestConfig): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.pathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/** A bucket of the test's own, `<prefix>-[<infix>-]<random>`. */
export async function createTestBucket(client: S3Client, config: S3TestConfig, infix = ''): Promise<string> {
  const bucket = `${config.bucketPrefix}-${infix ? `${infix}-` : ''}${randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

export async function listUnfinishedUploads(client: S3Client, bucket: string): Promise<Array<{ key: string; uploadId: string }>> {
  const output = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (output.Uploads ?? []).map((upload) => ({ key: upload.Key ?? '', uploadId: upload.UploadId ?? '' }));
}

export async function abortUpload(client: S3Client, bucket: string, key: string, uploadId: string): Promise<void> {
  await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: uploadId }));
}

/** Removes everything a test left: objects, unfinished multipart uploads, the bucket. */
export async function removeTestBucket(client: S3Client, bucket: string): Promise<void> {
  for (const upload of await listUnfinishedUploads(client, bucket)) await abortUpload(client, bucket, upload.key, upload.uploadId);
  // Every page: a folder test leaves thousands of objects, more than one listing page holds.
  for (;;) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
    for (const object of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
    if (!listed.IsTruncated) break;
  }
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function objectDigest(client: S3Client, bucket: string, key: string): Promise<{ size: number; sha256: string }> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of output.Body as AsyncIterable<Uint8Array>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

export async function objectExists(client: S3Client, bucket: string, key: string): Promise<boolean> {
  try {
    await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) return false;
    throw error;
  }
}

/** A small object's bytes (for checking its content, e.g. listing a tar). */
export async function objectBytes(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const output = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return (output.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray();
}
