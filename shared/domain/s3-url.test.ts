import { describe, expect, it } from 'vitest';
import { formatS3Url, locationProblem, parseS3Url, utf8Length } from './s3-url.ts';

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

describe('locationProblem', () => {
  it('accepts what S3 accepts', () => {
    expect(locationProblem({ bucket: 'my-bucket.backups', key: 'a/b.bin' })).toBeUndefined();
    expect(locationProblem({ bucket: 'abc', key: 'é'.repeat(512) })).toBeUndefined(); // 1,024 bytes exactly
  });

  it('names a bad bucket name and a key over 1,024 UTF-8 bytes', () => {
    for (const bucket of ['Not_A_Bucket!', 'ab', 'a'.repeat(64), '-leading', 'trailing-', 'two..dots', 'UPPER']) {
      expect(locationProblem({ bucket, key: 'k' })).toMatch(/is not a valid bucket name/);
    }
    expect(locationProblem({ bucket: 'abc', key: 'k'.repeat(1025) })).toBe('the key is 1025 bytes long; S3 keys are at most 1,024 bytes (UTF-8)');
    expect(locationProblem({ bucket: 'abc', key: `${'é'.repeat(512)}x` })).toMatch(/1025 bytes/);
    expect(utf8Length('a€😀')).toBe(1 + 3 + 4);
  });
});
