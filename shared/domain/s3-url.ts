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

export function formatS3Url(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`;
}
