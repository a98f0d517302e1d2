// Where Hoist's CPU goes on a folder of small files: one upload of a folder
// (default: workload A of npm run bench:folders, 2,000 × 64 KiB) by the CLI
// under node --cpu-prof, its main thread's samples summed by category. Writes
// bench/results/folders-profile.json; docs/benchmarks.md quotes it.
//
//   npm run s3:start && npm run bench:folders-profile [-- --folder DIR --bucket B]
//
// Against the local test RGW (scripts/s3-test-server.sh) unless
// HOIST_TEST_S3_ENDPOINT and its keys name another server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    folder: { type: 'string', default: join(homedir(), '.cache', 'hoist-bench', 'folders', 'A-2000', 'small-64k') },
    bucket: { type: 'string', default: 'hoist-profile' },
  },
});
const endpoint = process.env.HOIST_TEST_S3_ENDPOINT ?? 'http://127.0.0.1:7480';
const keys = {
  AWS_ACCESS_KEY_ID: process.env.HOIST_TEST_S3_ACCESS_KEY_ID ?? 'hoisttestaccesskey',
  AWS_SECRET_ACCESS_KEY: process.env.HOIST_TEST_S3_SECRET_ACCESS_KEY ?? 'hoisttestsecretkey0123456789abcdef',
  AWS_REGION: process.env.AWS_REGION ?? 'us-east-1',
};

const NATIVE = {
  '(idle)': 'idle (waiting for the network or the disk)',
  '(garbage collector)': 'garbage collection',
  '(program)': 'V8 and Node internals',
  writev: 'socket writes',
  writeBuffer: 'socket writes',
  writeUtf8String: 'socket writes',
  writeLatin1String: 'socket writes',
  ...Object.fromEntries(['stat', 'lstat', 'fstat', 'open', 'openFileHandle', 'read', 'close', 'access', 'readdir', 'opendir'].map((name) => [name, 'file system calls'])),
};

/** What a sample's function belongs to, by where its code lives. */
function category(frame) {
  const url = frame.url ?? '';
  if (!url) return NATIVE[frame.functionName] ?? 'native: other';
  if (url.includes('@smithy') || url.includes('@aws-sdk')) return 'AWS SDK (listings, multipart calls, credentials)';
  if (url.includes('better-sqlite3')) return 'SQLite (state database)';
  if (url.startsWith('node:internal/crypto')) return 'hashing (MD5)';
  if (url.startsWith('node:_http') || url.startsWith('node:internal/streams') || url.startsWith('node:net') || url.startsWith('node:events')) return 'Node HTTP and streams';
  if (url.startsWith('node:internal/fs') || url.startsWith('node:fs')) return 'Node file system';
  if (url.startsWith('node:')) return 'Node, other';
  return 'Hoist (engine, signing, CLI)';
}

const s3 = new S3Client({ endpoint, region: keys.AWS_REGION, forcePathStyle: true, credentials: { accessKeyId: keys.AWS_ACCESS_KEY_ID, secretAccessKey: keys.AWS_SECRET_ACCESS_KEY } });
await s3.send(new CreateBucketCommand({ Bucket: values.bucket })).catch((error) => {
  if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(error.name)) throw error;
});
spawnSync('node', ['scripts/build.mjs', 'cli'], { cwd: root, stdio: 'inherit' });
const work = mkdtempSync(join(tmpdir(), 'hoist-profile-'));
const prefix = `profile-${Date.now()}/`;
const started = Date.now();
const run = spawnSync(
  process.execPath,
  ['--cpu-prof', `--cpu-prof-dir=${work}`, 'dist/cli/hoist.mjs', 'upload', values.folder, `s3://${values.bucket}/${prefix}`, '--endpoint', endpoint, '--path-style', '--state-dir', join(work, 'state')],
  { cwd: root, env: { PATH: process.env.PATH, HOME: work, ...keys }, encoding: 'utf8' },
);
const seconds = (Date.now() - started) / 1000;
if (run.status !== 0) throw new Error(`the upload failed (${run.status}): ${run.stderr}`);
const profile = JSON.parse(readFileSync(join(work, readdirSync(work).find((name) => name.endsWith('.cpuprofile'))), 'utf8'));
const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const byCategory = new Map();
profile.samples.forEach((id, index) => {
  const name = category(nodes.get(id).callFrame);
  byCategory.set(name, (byCategory.get(name) ?? 0) + profile.timeDeltas[index] / 1000);
});
rmSync(work, { recursive: true, force: true });
const files = readdirSync(values.folder, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
const total = [...byCategory.values()].reduce((sum, ms) => sum + ms, 0);
const categories = [...byCategory].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms: Math.round(ms), msPerFile: Number((ms / files).toFixed(3)) }));
const result = { at: new Date().toISOString(), command: 'npm run bench:folders-profile', folder: values.folder, files, wallSeconds: seconds, profiledMs: Math.round(total), categories };
writeFileSync(join(root, 'bench', 'results', 'folders-profile.json'), `${JSON.stringify(result, null, 2)}\n`);
for (const entry of categories) console.log(`${String(entry.ms).padStart(7)} ms  ${entry.msPerFile.toFixed(3)} ms/file  ${entry.name}`);
console.log(`${files} files in ${seconds.toFixed(1)} s; main thread profiled over ${Math.round(total)} ms`);
