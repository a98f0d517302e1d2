import { describe, expect, it } from 'vitest';
import { S3Failure } from '../engine/errors.ts';
import type { FailureKind } from '../engine/errors.ts';
import { classifyS3Error } from './classify-s3-error.ts';
import type { ErrorContext } from './classify-s3-error.ts';

const CONTEXT: ErrorContext = { operation: 'UploadPart 3', bucket: 'photos', endpoint: 'https://s3.example.test' };
const AWS_CONTEXT: ErrorContext = { ...CONTEXT, endpoint: undefined };

/** What the AWS SDK v3 throws for an HTTP error answer. */
function sdkError(name: string, status: number, message = ''): Error & { $metadata: { httpStatusCode: number } } {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } });
}

/** What Node throws when the socket fails: no HTTP answer, so no $metadata. */
function networkError(code: string): Error & { code: string } {
  return Object.assign(new Error(`socket failure ${code}`), { code });
}

const cases: Array<[label: string, error: unknown, kind: FailureKind]> = [
  ['NoSuchUpload', sdkError('NoSuchUpload', 404), 'upload-gone'],
  ['NoSuchBucket', sdkError('NoSuchBucket', 404), 'fatal'],
  ['InvalidAccessKeyId', sdkError('InvalidAccessKeyId', 403), 'fatal'],
  ['SignatureDoesNotMatch', sdkError('SignatureDoesNotMatch', 403), 'fatal'],
  ['AccessDenied', sdkError('AccessDenied', 403), 'fatal'],
  ['ExpiredToken', sdkError('ExpiredToken', 400), 'fatal'],
  ['a bare 403 (HeadObject has no body)', sdkError('Forbidden', 403), 'fatal'],
  ['another 400', sdkError('InvalidArgument', 400), 'fatal'],
  ['a 301 redirect', sdkError('PermanentRedirect', 301), 'fatal'],
  ['500 InternalError', sdkError('InternalError', 500), 'retryable'],
  ['a 500 of unknown name (RGW)', sdkError('UnknownError', 500), 'retryable'],
  ['503 SlowDown', sdkError('SlowDown', 503), 'retryable'],
  ['503 ServiceUnavailable', sdkError('ServiceUnavailable', 503), 'retryable'],
  ['429', sdkError('TooManyRequests', 429), 'retryable'],
  ['408', sdkError('RequestTimeout408', 408), 'retryable'],
  ['400 RequestTimeout', sdkError('RequestTimeout', 400), 'retryable'],
  ['400 BadDigest', sdkError('BadDigest', 400), 'retryable'],
  ['TimeoutError without $metadata', Object.assign(new Error('timed out'), { name: 'TimeoutError' }), 'retryable'],
  ['AbortError without $metadata', Object.assign(new Error('aborted'), { name: 'AbortError' }), 'retryable'],
  ['ECONNRESET', networkError('ECONNRESET'), 'retryable'],
  ['ECONNREFUSED', networkError('ECONNREFUSED'), 'retryable'],
  ['ENOTFOUND', networkError('ENOTFOUND'), 'retryable'],
  ['EPIPE', networkError('EPIPE'), 'retryable'],
  ['an unknown network code', networkError('EPROTO'), 'retryable'],
];

describe('classifyS3Error', () => {
  it.each(cases)('%s → %s', (_label, error, kind) => {
    const failure = classifyS3Error(error, CONTEXT);
    expect(failure).toBeInstanceOf(S3Failure);
    expect(failure.kind).toBe(kind);
    expect(failure.cause).toBe(error);
  });

  it.each(cases)('the message for %s never says "undefined", with or without an endpoint', (_label, error) => {
    for (const context of [CONTEXT, AWS_CONTEXT]) {
      const { message } = classifyS3Error(error, context);
      expect(message).not.toMatch(/undefined/i);
      expect(message).toContain(context.operation);
    }
  });

  it('keeps the error name as code and the HTTP status', () => {
    const failure = classifyS3Error(sdkError('SlowDown', 503), CONTEXT);
    expect(failure.code).toBe('SlowDown');
    expect(failure.status).toBe(503);
    expect(failure.message).toContain('(UploadPart 3: SlowDown 503)');
  });

  it('uses the Node error code for network errors', () => {
    const failure = classifyS3Error(networkError('ECONNRESET'), AWS_CONTEXT);
    expect(failure.code).toBe('ECONNRESET');
    expect(failure.status).toBeUndefined();
    expect(failure.message).toContain('AWS S3');
  });

  it('says what the socket failure was and which host:port it was, the cause a retrying row shows', () => {
    const local: ErrorContext = { operation: 'CreateMultipartUpload', bucket: 'b', endpoint: 'http://127.0.0.1:7482' };
    expect(classifyS3Error(networkError('ECONNREFUSED'), local).message).toBe('connection refused by 127.0.0.1:7482 (CreateMultipartUpload: ECONNREFUSED)');
    expect(classifyS3Error(networkError('ENOTFOUND'), CONTEXT).message).toContain('no such host: s3.example.test');
    expect(classifyS3Error(Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EAI_AGAIN' }), CONTEXT)).toMatchObject({ kind: 'retryable', message: expect.stringContaining('cannot look up s3.example.test') });
    expect(classifyS3Error(networkError('ETIMEDOUT'), AWS_CONTEXT).message).toContain('AWS S3 did not answer in time');
  });

  describe('fatal messages name what to fix', () => {
    it('NoSuchBucket names the bucket and the endpoint', () => {
      const { message } = classifyS3Error(sdkError('NoSuchBucket', 404), CONTEXT);
      expect(message).toContain('"photos"');
      expect(message).toContain('https://s3.example.test');
    });

    it('NoSuchBucket on AWS says AWS S3', () => {
      expect(classifyS3Error(sdkError('NoSuchBucket', 404), AWS_CONTEXT).message).toContain('at AWS S3');
    });

    it.each(['InvalidAccessKeyId', 'SignatureDoesNotMatch'])('%s names the endpoint and the credentials', (name) => {
      const { message } = classifyS3Error(sdkError(name, 403), CONTEXT);
      expect(message).toContain('https://s3.example.test');
      expect(message).toMatch(/credentials|access key/);
    });

    it('AccessDenied names the bucket and the endpoint', () => {
      const { message } = classifyS3Error(sdkError('AccessDenied', 403), CONTEXT);
      expect(message).toContain('"photos"');
      expect(message).toContain('https://s3.example.test');
    });

    it('another 400 names the endpoint', () => {
      const { message } = classifyS3Error(sdkError('InvalidArgument', 400), CONTEXT);
      expect(message).toContain('https://s3.example.test');
      expect(message).toContain('InvalidArgument 400');
    });
  });

  it('passes an S3Failure through unchanged', () => {
    const failure = new S3Failure('fatal', 'already classified', 'X', 400);
    expect(classifyS3Error(failure, CONTEXT)).toBe(failure);
  });

  it('copes with things that are not errors at all', () => {
    for (const thrown of [undefined, null, 'a string', 42]) {
      const failure = classifyS3Error(thrown, CONTEXT);
      expect(failure.kind).toBe('retryable'); // no HTTP answer: treated as a network failure
      expect(failure.message).not.toMatch(/undefined/);
    }
  });

  it('classifies on name and status, not on the (often empty) message text', () => {
    const rgwEmpty = classifyS3Error(sdkError('NoSuchUpload', 404, ''), CONTEXT);
    expect(rgwEmpty.kind).toBe('upload-gone');
    const misleading = classifyS3Error(sdkError('AccessDenied', 403, 'please retry'), CONTEXT);
    expect(misleading.kind).toBe('fatal');
  });
});
