import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestBucket, removeTestBucket, s3Config, testClient } from '../../e2e/support/s3-fixture.ts';
import { createS3Client, DEFAULT_S3_OPTIONS } from '../s3/s3-client.ts';
import { S3ObjectStore } from '../s3/s3-object-store.ts';
import { checkTarget } from './target-check.ts';
import { deadPort } from '../../e2e/support/dead-port.ts';

// Saving a target tries it against the real server and says which field is wrong.

const config = s3Config();
const admin = testClient(config);
let bucket: string;

function store(overrides: { endpoint?: string; secretAccessKey?: string; accessKeyId?: string } = {}): S3ObjectStore {
  const target = { endpoint: overrides.endpoint ?? config.endpoint, region: config.region, pathStyle: config.pathStyle };
  const client = createS3Client(target, DEFAULT_S3_OPTIONS, {
    accessKeyId: overrides.accessKeyId ?? config.accessKeyId,
    secretAccessKey: overrides.secretAccessKey ?? config.secretAccessKey,
  });
  return new S3ObjectStore(client, target);
}

beforeAll(async () => {
  bucket = await createTestBucket(admin, config, 'check');
});
afterAll(async () => {
  await removeTestBucket(admin, bucket);
  admin.destroy();
});

describe('checking a target when it is saved', () => {
  it('a right target is ok', async () => {
    expect(await checkTarget(store(), { bucket, keyPrefix: 'some/prefix/', host: 'rgw' })).toMatchObject({ ok: true, field: null });
  });

  it('an endpoint nothing listens on points at the endpoint field, naming the host and port', async () => {
    const port = await deadPort();
    const check = await checkTarget(store({ endpoint: `http://127.0.0.1:${port}` }), { bucket, keyPrefix: '', host: `127.0.0.1:${port}` });
    expect(check).toMatchObject({ ok: false, field: 'endpoint' });
    expect(check.message).toContain(`connection refused by 127.0.0.1:${port}`);
  });

  it('a wrong secret key or an unknown access key points at the credentials', async () => {
    const wrongSecret = await checkTarget(store({ secretAccessKey: 'not-the-secret-key-0123456789' }), { bucket, keyPrefix: '', host: 'rgw' });
    expect(wrongSecret).toMatchObject({ ok: false, field: 'credentials' });
    expect(wrongSecret.message).toMatch(/credentials|access key/);
    const unknownKey = await checkTarget(store({ accessKeyId: 'NOSUCHACCESSKEY' }), { bucket, keyPrefix: '', host: 'rgw' });
    expect(unknownKey).toMatchObject({ ok: false, field: 'credentials' });
  });

  it('a bucket that does not exist points at the bucket, by name', async () => {
    const check = await checkTarget(store(), { bucket: `${bucket}-nope`, keyPrefix: '', host: 'rgw' });
    expect(check).toMatchObject({ ok: false, field: 'bucket' });
    expect(check.message).toContain(`"${bucket}-nope" not found`);
  });
});
