/** S3's limit on an object key: 1024 bytes of UTF-8. */
export const MAX_KEY_BYTES = 1024;

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * The object key of one file of a folder uploaded as one object per file:
 * `prefix + relPath`, or why that cannot be an S3 key.
 *
 * The prefix is used exactly as given: `hoist upload photos s3://b/p/` gives
 * the prefix `p/` and keys `p/a.jpg`, `p/sub/b.jpg`; an empty prefix puts the
 * files at the bucket's top level. Whether a prefix without a trailing `/`
 * (`s3://b/p`) means `p/` or a name prefix (`pa.jpg`) is the caller's choice.
 *
 * Refused, so that every key names exactly the file it came from:
 * - names that were not valid UTF-8 on disk: Node shows their bytes as U+FFFD,
 *   so the real name cannot be reproduced; lone UTF-16 surrogates, which UTF-8
 *   cannot encode at all;
 * - control characters U+0000–U+001F and U+007F: XML 1.0 (S3's listings,
 *   errors and batch deletes) cannot carry most of them, and servers differ on
 *   the rest;
 * - keys longer than 1024 bytes in UTF-8.
 */
export function objectKeyFor(prefix: string, relPath: string): { key: string } | { problem: string } {
  const key = prefix + relPath;
  if (relPath === '') return { problem: 'an empty name cannot be an object key' };
  if (LONE_SURROGATE.test(key)) return { problem: 'the name holds an unpaired UTF-16 surrogate, which UTF-8 cannot encode' };
  if (key.includes('\uFFFD')) {
    return { problem: 'the name is not valid UTF-8 (or holds U+FFFD), so the real name cannot be reproduced in an S3 key' };
  }
  const control = firstControlCharacter(key);
  if (control !== undefined) {
    return { problem: `the name holds the control character U+${control.toString(16).toUpperCase().padStart(4, '0')}, which S3 keys cannot carry reliably` };
  }
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) return { problem: `the object key would be ${bytes} bytes in UTF-8; S3 allows at most ${MAX_KEY_BYTES}` };
  return { key };
}

function firstControlCharacter(text: string): number | undefined {
  for (let i = 0; i < text.length; i += 1) {
    const code = text.charCodeAt(i);
    if (code <= 0x1f || code === 0x7f) return code;
  }
  return undefined;
}
