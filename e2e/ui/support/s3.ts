// The tests' own S3 checks for the UI suite: a plain SDK client, independent of
// Hoist's adapter. (e2e/support/s3-fixture.ts does the same for vitest, but it
// imports vitest, which cannot load inside Playwright.)
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
import { s3ConfigFromEnv } from '../../support/s3-test-config.ts';
import type { S3TestConfig } from '../../support/s3-test-config.ts';

/** Set by the global setup (e2e/ui/support/global-setup.ts) in process.env, which the workers inherit. */
export function s3ConfigForUi(): S3TestConfig {
  const config = s3ConfigFromEnv(process.env);
  if (!config) throw new Error('no HOIST_TEST_S3_* in the environment: run the UI tests with `npx playwright test` (its global setup starts the S3 server)');
  return config;
}

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

export async function createTestBucket(client: S3Client, config: S3TestConfig): Promise<string> {
  const bucket = `${config.bucketPrefix}-ui-${randomBytes(4).toString('hex')}`;
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
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
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
