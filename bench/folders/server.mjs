// The folder benchmark's own Ceph RGW: bench/s3/rgw.mjs's bluestore server,
// but in its own directory and on its own port range, so it never meets the
// test suite's server (/tmp/hoist-s3-test, port 7480) nor `npm run bench`'s
// (/tmp/hoist-bench-rgw) when they run at the same time. The start script
// always tries 7480 first; it is run from a copy that starts at our port.
//
// Also what the benchmark does to the bucket between runs: list a prefix
// (count and bytes), and empty it.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export const FOLDERS_RGW_DIR = process.env.HOIST_BENCH_FOLDERS_RGW_DIR ?? '/tmp/hoist-bench-folders-rgw';
export const FOLDERS_RGW_PORT = Number(process.env.HOIST_BENCH_FOLDERS_RGW_PORT ?? 7680);
// Read by bench/s3/rgw.mjs when it is first loaded: it must be set before that module is imported.
process.env.HOIST_BENCH_RGW_DIR = FOLDERS_RGW_DIR;

/**
 * Loads the shared bench modules that read the server's directory at load time
 * (rgw.mjs, and run-measured.mjs through it), pointed at ours.
 */
export async function loadServerModules() {
  const rgw = await import('../s3/rgw.mjs');
  const measured = await import('../s3/run-measured.mjs');
  if (rgw.RGW_DIR !== FOLDERS_RGW_DIR) throw new Error(`bench/s3/rgw.mjs was loaded before bench/folders/server.mjs (its directory is ${rgw.RGW_DIR})`);
  return { ...rgw, runMeasured: measured.runMeasured };
}

/** A copy of scripts/s3-test-server.sh whose RGW port search starts at ours, in a directory shaped like the project root. */
function scriptRoot(root) {
  const script = readFileSync(join(root, 'scripts', 's3-test-server.sh'), 'utf8');
  const from = 'RGW_PORT=7480\nwhile ! port_free "$RGW_PORT"; do ((RGW_PORT++ < 7580))';
  if (!script.includes(from)) throw new Error('scripts/s3-test-server.sh no longer chooses its port as bench/folders/server.mjs expects: update the patch there');
  const patched = script.replace(from, `RGW_PORT=${FOLDERS_RGW_PORT}\nwhile ! port_free "$RGW_PORT"; do ((RGW_PORT++ < ${FOLDERS_RGW_PORT + 100}))`);
  const fakeRoot = `${FOLDERS_RGW_DIR}.script`;
  mkdirSync(join(fakeRoot, 'scripts'), { recursive: true });
  writeFileSync(join(fakeRoot, 'scripts', 's3-test-server.sh'), patched);
  return fakeRoot;
}

/** Starts our RGW (bluestore, sparse file of `sizeBytes`); returns the server and stop(), which is safe to call twice. */
export function startFoldersRgw(root, modules, sizeBytes) {
  const fakeRoot = scriptRoot(root);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    modules.stopRgw(fakeRoot);
    rmSync(fakeRoot, { recursive: true, force: true });
  };
  try {
    const server = modules.startRgw(fakeRoot, sizeBytes);
    if (new URL(server.endpoint).port === '7480') throw new Error(`the bench RGW came up on the test server's port: ${server.endpoint}`);
    return { server, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** Count and total bytes of the objects under `prefix` (every page). */
export async function listPrefix(s3, bucket, prefix) {
  let count = 0;
  let bytes = 0;
  const keys = [];
  let token;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      count += 1;
      bytes += object.Size ?? 0;
      keys.push(object.Key);
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return { count, bytes, keys };
}

/** Deletes everything under `prefix` (objects and unfinished multipart uploads), then runs RGW's GC off the clock. */
export async function emptyPrefix(s3, bucket, prefix) {
  const { keys } = await listPrefix(s3, bucket, prefix);
  for (let start = 0; start < keys.length; start += 1000) {
    const batch = keys.slice(start, start + 1000).map((Key) => ({ Key }));
    await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch, Quiet: true } }));
  }
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefix }));
  for (const upload of Uploads) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  // RGW frees deleted data in a GC pass every 30 s; running it now keeps that pass out of the next measurement.
  spawnSync('radosgw-admin', ['gc', 'process', '--include-all'], { env: { ...process.env, CEPH_CONF: join(FOLDERS_RGW_DIR, 'ceph.conf') }, stdio: 'ignore' });
}

/** The benchmark's own S3 client for the server (listings, cleaning up): checksums only where S3 requires them, as the clients measured send. */
export function benchS3Client(server) {
  return new S3Client({
    region: server.region,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}
