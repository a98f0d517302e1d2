// The folders and the file this benchmark uploads, and its check that an
// upload really ended complete. The scale folder (N × 1 KiB, 1,000 a folder)
// and the single large file are made by bench/folders/workloads.mjs's
// generator into the same cache, once: deterministic, incompressible bytes.
// Workload A is bench:folders' own (the same cached folder is reused).
import { join } from 'node:path';
import { ListMultipartUploadsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ensureWorkload, planWorkload } from '../folders/workloads.mjs';

const KiB = 1024;
const MiB = 1024 * KiB;
export const SCALE_FILE_BYTES = KiB;
export const SCALE_PER_DIR = 1000;

/** Workload A (2,000 × 64 KiB): the folder issue's resume target is set on it. */
export const planA = () => planWorkload('A', 1);

/** `count` files of 1 KiB in folders of 1,000 (d000/f000000.bin …), like a big photo or log archive's tree. */
export function planScale(count) {
  const files = Array.from({ length: count }, (_, index) => ({
    path: join(`d${String(Math.floor(index / SCALE_PER_DIR)).padStart(3, '0')}`, `f${String(index).padStart(6, '0')}.bin`),
    size: SCALE_FILE_BYTES,
  }));
  // The id keys the content and the cache directory: `S-100000` is made once and kept.
  return { id: 'S', label: `${count.toLocaleString('en-US')} × 1 KiB`, count, folder: 'scale-1k', files, totalBytes: count * SCALE_FILE_BYTES };
}

/** One file of `mib` MiB: the single-file peak RSS that the scale folder's is held against. */
export function planLarge(mib) {
  const size = mib * MiB;
  return { id: 'L', label: `one ${mib} MiB file`, count: 1, folder: 'large', files: [{ path: `large-${mib}MiB.bin`, size }], totalBytes: size };
}

/** Generates (or finds in the cache) a plan's folder; returns its path. */
export const ensureFolder = (plan, cacheDir, log) => ensureWorkload(plan, cacheDir, log);

/**
 * Whether the bucket under `prefix` holds exactly the plan's files (every key
 * `prefix` + relative path with "/" separators, every size) and no unfinished
 * multipart upload: a run counts only then. Returns { ok, why }.
 */
export async function checkUploaded(s3, bucket, prefix, plan) {
  const expected = new Map(plan.files.map((file) => [prefix + file.path.split('\\').join('/'), file.size]));
  let token;
  let seen = 0;
  const wrong = [];
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      seen += 1;
      const size = expected.get(object.Key);
      if (size === undefined) wrong.push(`${object.Key}: not in the folder`);
      else if (size !== object.Size) wrong.push(`${object.Key}: ${object.Size} bytes, not ${size}`);
      expected.delete(object.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  const why = [];
  if (expected.size > 0) why.push(`${expected.size} of ${plan.count} files missing (e.g. ${[...expected.keys()][0]})`);
  if (wrong.length > 0) why.push(`${wrong.length} wrong objects (e.g. ${wrong[0]})`);
  if (Uploads.length > 0) why.push(`${Uploads.length} multipart uploads left (e.g. ${Uploads[0].Key})`);
  return { ok: why.length === 0, why: why.join('; '), objects: seen };
}
