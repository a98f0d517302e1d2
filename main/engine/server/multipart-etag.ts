import { createHash } from 'node:crypto';

/**
 * The ETag S3 gives a completed multipart object: the MD5 of the parts' binary
 * MD5s, then "-" and the part count. Returns undefined when an MD5 is missing.
 */
export function multipartEtag(partMd5sHex: ReadonlyArray<string | null>): string | undefined {
  if (partMd5sHex.length === 0 || partMd5sHex.some((md5) => !md5)) return undefined;
  const hash = createHash('md5');
  for (const md5 of partMd5sHex) hash.update(Buffer.from(md5 as string, 'hex'));
  return `${hash.digest('hex')}-${partMd5sHex.length}`;
}
