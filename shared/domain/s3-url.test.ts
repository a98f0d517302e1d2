import { describe, expect, it } from 'vitest';
import { formatS3Url, parseS3Url } from './s3-url.ts';

describe('parseS3Url', () => {
  it('splits bucket and key', () => {
    expect(parseS3Url('s3://my-bucket/file.bin')).toEqual({ bucket: 'my-bucket', key: 'file.bin' });
  });

  it('keeps every "/" of the key after the bucket, including a trailing one', () => {
    expect(parseS3Url('s3://b/dir/sub/file.bin')).toEqual({ bucket: 'b', key: 'dir/sub/file.bin' });
    expect(parseS3Url('s3://b/dir/')).toEqual({ bucket: 'b', key: 'dir/' });
    expect(parseS3Url('s3://b//double')).toEqual({ bucket: 'b', key: '/double' });
  });

  it('rejects an address without a key', () => {
    expect(parseS3Url('s3://bucket')).toBeUndefined();
    expect(parseS3Url('s3://bucket/')).toBeUndefined();
  });

  it('rejects an address without a bucket or with another scheme', () => {
    expect(parseS3Url('s3:///key')).toBeUndefined();
    expect(parseS3Url('https://bucket/key')).toBeUndefined();
    expect(parseS3Url('bucket/key')).toBeUndefined();
    expect(parseS3Url('S3://bucket/key')).toBeUndefined();
    expect(parseS3Url('')).toBeUndefined();
  });
});

describe('formatS3Url', () => {
  it('is the inverse of parseS3Url', () => {
    for (const text of ['s3://b/k', 's3://b/dir/sub/', 's3://bucket.with.dots/a b/c']) {
      const location = parseS3Url(text);
      expect(location, text).toBeDefined();
      expect(formatS3Url(location as { bucket: string; key: string })).toBe(text);
    }
  });
});
