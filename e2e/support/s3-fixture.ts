import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
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
import { afterAll, beforeAll, inject } from 'vitest';
import { makeTempDir } from './files.ts';
import type { S3TestConfig } from './s3-test-config.ts';

export function s3Config(): S3TestConfig {
  return inject('s3Config');
}

/** A plain SDK client for the tests' own checks (independent of Hoist's adapter). */
export function testClient(config: S3TestConfig = s3Config()): S3Client {
  return new S3Client({
    region: config.region,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    forcePathStyle: config.pathStyle,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

export async function createTestBucket(client: S3Client, config: S3TestConfig = s3Config()): Promise<string> {
  const bucket = `${config.bucketPrefix}-${randomBytes(5).toString('hex')}`;
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}

/** Removes everything the test left: objects, unfinished multipart uploads, the bucket. */
export async function removeTestBucket(client: S3Client, bucket: string): Promise<void> {
  for (const upload of await listUnfinishedUploads(client, bucket)) {
    await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }));
  }
  const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
  for (const object of listed.Contents ?? []) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: object.Key }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}

export async function listUnfinishedUploads(client: S3Client, bucket: string): Promise<Array<{ key: string; uploadId: string }>> {
  const output = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return (output.Uploads ?? []).map((upload) => ({ key: upload.Key ?? '', uploadId: upload.UploadId ?? '' }));
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

export interface TestWorkspace {
  readonly config: S3TestConfig;
  readonly client: S3Client;
  /** A bucket of its own for the test file, removed with everything in it afterwards. */
  readonly bucket: string;
  /** A temp directory for files and state directories, removed afterwards. */
  readonly dir: string;
}

/** Registers the beforeAll/afterAll that give a test file its own bucket and temp directory. */
export function useTestWorkspace(): TestWorkspace {
  const config = s3Config();
  const client = testClient(config);
  let bucket = '';
  let temp: { dir: string; remove: () => Promise<void> } | undefined;
  beforeAll(async () => {
    bucket = await createTestBucket(client, config);
    temp = await makeTempDir();
  });
  afterAll(async () => {
    if (bucket) await removeTestBucket(client, bucket);
    await temp?.remove();
  });
  return {
    config,
    client,
    get bucket() {
      return bucket;
    },
    get dir() {
      if (!temp) throw new Error('the workspace exists only inside tests');
      return temp.dir;
    },
  };
}
