import { describe, expect, it } from 'vitest';
import { encodeKey, objectAddress } from './direct-put.ts';

describe('direct PutObject addressing', () => {
  it('encodes a key as S3 signs it: every byte but unreserved ones and "/"', () => {
    expect(encodeKey('photos/é 日本 (1)!*~.jpg')).toBe("photos/%C3%A9%20%E6%97%A5%E6%9C%AC%20%281%29%21%2A~.jpg");
    expect(encodeKey("a+b'c")).toBe('a%2Bb%27c');
  });

  it('keeps "." and ".." segments and empty ones: they are part of the key, not a path to fold', () => {
    const address = objectAddress({ endpoint: 'http://127.0.0.1:7480', region: 'us-east-1', pathStyle: true }, { bucket: 'b', key: 'a/./../b//c' });
    expect(address).toEqual({ secure: false, hostname: '127.0.0.1', port: '7480', host: '127.0.0.1:7480', path: '/b/a/./../b//c' });
  });

  it('puts the bucket in the host name unless path-style is asked for or the bucket has dots', () => {
    const aws = { endpoint: undefined, region: 'eu-west-1', pathStyle: false };
    expect(objectAddress(aws, { bucket: 'photos', key: 'x' })).toMatchObject({ secure: true, host: 'photos.s3.eu-west-1.amazonaws.com', path: '/x' });
    expect(objectAddress(aws, { bucket: 'my.photos', key: 'x' })).toMatchObject({ host: 's3.eu-west-1.amazonaws.com', path: '/my.photos/x' });
    expect(objectAddress({ endpoint: 'https://gw.example:9000/s3/', region: 'r', pathStyle: true }, { bucket: 'b', key: 'k' })).toMatchObject({
      host: 'gw.example:9000',
      port: '9000',
      path: '/s3/b/k',
    });
  });
});
