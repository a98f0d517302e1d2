export interface S3Location {
  bucket: string;
  key: string;
}

/** Parses "s3://bucket/some/key". The key may not be empty; a trailing "/" is kept as typed. */
export function parseS3Url(text: string): S3Location | undefined {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(text);
  if (!match || !match[1] || !match[2]) return undefined;
  return { bucket: match[1], key: match[2] };
}

/** Bytes of a string in UTF-8 (S3 limits keys in bytes, not characters). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (const char of text) {
    const code = char.codePointAt(0) as number;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

export const MAX_KEY_BYTES = 1024;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Why S3 would refuse this bucket name or key, in words; undefined when it is fine. */
export function locationProblem(location: S3Location): string | undefined {
  if (!BUCKET_NAME.test(location.bucket) || location.bucket.includes('..')) {
    return `"${location.bucket}" is not a valid bucket name (3 to 63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit)`;
  }
  const bytes = utf8Length(location.key);
  if (bytes > MAX_KEY_BYTES) return `the key is ${bytes} bytes long; S3 keys are at most 1,024 bytes (UTF-8)`;
  return undefined;
}

export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
