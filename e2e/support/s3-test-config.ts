/**
 * Where the S3 tests send their requests. By default the local Ceph RGW that
 * scripts/s3-test-server.sh starts; any S3-compatible endpoint (MinIO, AWS)
 * when HOIST_TEST_S3_* variables say so.
 */
export interface S3TestConfig {
  /** undefined means AWS itself. */
  endpoint: string | undefined;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  pathStyle: boolean;
  /** Test buckets are named `<prefix>-<random>`; they are created and removed by the tests. */
  bucketPrefix: string;
  /** Set when the tests run against the project's own RGW (some tests use its admin tools). */
  rgwDir: string | undefined;
}

declare module 'vitest' {
  export interface ProvidedContext {
    s3Config: S3TestConfig;
  }
}

export function s3ConfigFromEnv(env: NodeJS.ProcessEnv): S3TestConfig | undefined {
  const accessKeyId = env.HOIST_TEST_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.HOIST_TEST_S3_SECRET_ACCESS_KEY;
  if (!env.HOIST_TEST_S3_ENDPOINT && !accessKeyId) return undefined;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('HOIST_TEST_S3_ACCESS_KEY_ID and HOIST_TEST_S3_SECRET_ACCESS_KEY must be set with HOIST_TEST_S3_ENDPOINT');
  }
  const endpoint = env.HOIST_TEST_S3_ENDPOINT === 'aws' ? undefined : env.HOIST_TEST_S3_ENDPOINT;
  return {
    endpoint,
    region: env.HOIST_TEST_S3_REGION ?? 'us-east-1',
    accessKeyId,
    secretAccessKey,
    pathStyle: env.HOIST_TEST_S3_PATH_STYLE === '1' || env.HOIST_TEST_S3_PATH_STYLE === 'true',
    bucketPrefix: env.HOIST_TEST_S3_BUCKET_PREFIX ?? 'hoist-test',
    rgwDir: env.HOIST_TEST_S3_RGW_DIR || undefined,
  };
}
