import { describe, expect, it } from 'vitest';
import { logLine, redactSecrets } from './redact-secrets.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';

describe('redactSecrets', () => {
  it('masks secret-shaped strings and secret fields', () => {
    expect(redactSecrets(`bad key ${SECRET} for target t1`)).toBe('bad key [redacted] for target t1');
    expect(redactSecrets('{"secretAccessKey":"short-secret","x":1}')).toBe('{"secretAccessKey":"[redacted]","x":1}');
    expect(redactSecrets('aws_secret_access_key=abc')).toBe('aws_secret_access_key=[redacted]');
  });

  it('leaves ordinary messages alone', () => {
    const message = 'upload 0192f0a3-7b1c-7cc2-9b1e-2f8c7a0d1e55: part 3 of 12 failed with 503 SlowDown (s3://bucket/videos/a.mkv)';
    expect(redactSecrets(message)).toBe(message);
  });
});

describe('logLine', () => {
  it('keeps an entry on one line and masks secrets across what were lines', () => {
    expect(logLine(`failed:\n  server said: secretAccessKey=${SECRET}\r\n  try again`)).toBe('failed: | server said: secretAccessKey=[redacted] | try again');
  });
});
