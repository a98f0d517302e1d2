// Where Hoist's CPU goes on a folder upload: one upload of each workload of
// npm run bench:folders (default A, 2,000 × 64 KiB, and C, the photo folder,
// scaled to its first 100 files) by the CLI under node --cpu-prof, its main
// thread's samples summed by category, and the state database's commits by
// the call that made them. Writes bench/results/folders-profile.json;
// docs/benchmarks-folders.md quotes it.
//
//   npm run s3:start && npm run bench:folders-profile [-- --workloads A,C --c-scale 0.2 --bucket B]
//
// Against the local test RGW (scripts/s3-test-server.sh) unless
// HOIST_TEST_S3_ENDPOINT and its keys name another server.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CACHE_DIR, ensureWorkload, planWorkload, warmPageCache } from './folders/workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const { values } = parseArgs({
  args: argv,
  options: {
    workloads: { type: 'string', default: 'A,C' },
    // The photo folder is 3.5 GiB; its first files show the same costs per file.
    'c-scale': { type: 'string', default: '0.2' },
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

/** The samples of the deepest frame named `name`'s callers, three frames up: which calls made the state database's commits. */
function callersOf(profile, nodes, name) {
  const parent = new Map();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (id) => nodes.get(id).callFrame.functionName || '(anonymous)';
  const byCaller = new Map();
  profile.samples.forEach((id, index) => {
    const chain = [];
    for (let at = id; at !== undefined; at = parent.get(at)) chain.push(at);
    const found = chain.findIndex((at) => nodes.get(at).callFrame.functionName === name);
    if (found < 0) return;
    const caller = chain.slice(found + 1, found + 4).map(label).reverse().join(' → ');
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + profile.timeDeltas[index] / 1000);
  });
  return [...byCaller].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([calls, ms]) => ({ calls, ms: Math.round(ms) }));
}

async function profileOne(id) {
  const plan = planWorkload(id, id === 'C' ? Number(values['c-scale']) : 1);
  const folder = await ensureWorkload(plan, DEFAULT_CACHE_DIR, (line) => console.error(line));
  await warmPageCache(folder, plan);
  const work = mkdtempSync(join(tmpdir(), 'hoist-profile-'));
  const prefix = `profile-${id}-${Date.now()}/`;
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    ['--cpu-prof', `--cpu-prof-dir=${work}`, 'dist/cli/hoist.mjs', 'upload', folder, `s3://${values.bucket}/${prefix}`, '--endpoint', endpoint, '--path-style', '--state-dir', join(work, 'state')],
    { cwd: root, env: { PATH: process.env.PATH, HOME: work, ...keys }, encoding: 'utf8' },
  );
  const seconds = (Date.now() - started) / 1000;
  if (run.status !== 0) throw new Error(`the upload of ${id} failed (${run.status}): ${run.stderr}`);
  const profile = JSON.parse(readFileSync(join(work, readdirSync(work).find((name) => name.endsWith('.cpuprofile'))), 'utf8'));
  rmSync(work, { recursive: true, force: true });
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const byCategory = new Map();
  profile.samples.forEach((sample, index) => {
    const name = category(nodes.get(sample).callFrame);
    byCategory.set(name, (byCategory.get(name) ?? 0) + profile.timeDeltas[index] / 1000);
  });
  const files = plan.count;
  const total = [...byCategory.values()].reduce((sum, ms) => sum + ms, 0);
  const categories = [...byCategory].sort((a, b) => b[1] - a[1]).map(([name, ms]) => ({ name, ms: Math.round(ms), msPerFile: Number((ms / files).toFixed(3)) }));
  const commits = callersOf(profile, nodes, 'guardedWrite');
  console.log(`${id}: ${files} files, ${(plan.totalBytes / 2 ** 20).toFixed(0)} MiB in ${seconds.toFixed(1)} s; main thread profiled over ${Math.round(total)} ms`);
  for (const entry of categories) console.log(`${String(entry.ms).padStart(7)} ms  ${entry.msPerFile.toFixed(3)} ms/file  ${entry.name}`);
  return { workload: id, label: plan.label, files, bytes: plan.totalBytes, wallSeconds: seconds, profiledMs: Math.round(total), categories, commits };
}

const profiles = [];
for (const id of values.workloads.split(',').map((entry) => entry.trim().toUpperCase()).filter(Boolean)) profiles.push(await profileOne(id));
const result = { at: new Date().toISOString(), command: `npm run bench:folders-profile${argv.length ? ` -- ${argv.join(' ')}` : ''}`, profiles };
writeFileSync(join(root, 'bench', 'results', 'folders-profile.json'), `${JSON.stringify(result, null, 2)}\n`);
