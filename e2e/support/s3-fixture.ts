import type { S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, inject } from 'vitest';
import { makeTempDir } from './files.ts';
import { createTestBucket, removeTestBucket, testClient } from './s3-helpers.ts';
import type { S3TestConfig } from './s3-test-config.ts';

export * from './s3-helpers.ts';

export function s3Config(): S3TestConfig {
  return inject('s3Config');
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
