// Benchmark: uploading one big file to a local Ceph RGW with Hoist's CLI and
// with the usual alternatives (aws-cli, rclone, s3cmd, @aws-sdk/lib-storage)
// and a bare UploadPart loop (the ceiling), all with 8 MiB parts and 4 in
// flight. Reports MB/s, client CPU per GiB and peak RSS (medians, ratios to
// Hoist) against Hoist's targets, never asserting them: speed targets live
// here, not in tests. Writes docs/benchmarks.md, docs/benchmarks-throughput.svg
// and bench/results/s3-upload.json.
//
//   npm run bench                       (HOIST_BENCH_SIZE=1GiB, HOIST_BENCH_REPS=3)
//   npm run bench -- --report-only      (the docs again from the saved results, measuring nothing)
import { createWriteStream, rmSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { randomFillSync } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AbortMultipartUploadCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { buildTarget, isStale } from '../scripts/build.mjs';
import { clients } from './s3/clients.mjs';
import { RGW_DIR, startRgw, stopRgw } from './s3/rgw.mjs';
import { runMeasured } from './s3/run-measured.mjs';
import { describeMachine } from './s3/machine.mjs';
import { measureHoistOnly } from './s3/hoist-only.mjs';
import { profileHoist } from './s3/hoist-profile.mjs';
import { hoistOnlyTargets, summarize } from './s3/summary.mjs';
import { readResults, writeDocs, writeResults } from './s3/write-outputs.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 1024 * 1024;

if (process.argv.includes('--report-only')) {
  await writeDocs(root, await readResults(root));
  console.log('written: docs/benchmarks.md, docs/benchmarks-throughput.svg (from bench/results/s3-upload.json)');
  process.exit(0);
}

function parseSize(text) {
  const match = /^(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB)?$/i.exec(text.trim());
  if (!match) throw new Error(`HOIST_BENCH_SIZE: cannot read "${text}" (e.g. 512MiB, 1GiB)`);
  const unit = { b: 1, kib: 1024, mib: MiB, gib: 1024 * MiB }[(match[2] ?? 'b').toLowerCase()];
  return Math.round(Number(match[1]) * unit);
}

const config = {
  fileBytes: parseSize(process.env.HOIST_BENCH_SIZE ?? '1GiB'),
  reps: Number(process.env.HOIST_BENCH_REPS ?? 3),
  /** The file for Hoist's memory at size (the main file's RSS is compared with it). */
  bigFileBytes: parseSize(process.env.HOIST_BENCH_BIG_SIZE ?? '4GiB'),
  partSize: 8 * MiB,
  concurrency: 4,
};
if (config.fileBytes < 5 * MiB || !(config.reps >= 1)) throw new Error('HOIST_BENCH_SIZE must be at least 5MiB and HOIST_BENCH_REPS at least 1');

/** Random bytes, so no layer (compression, dedup) can make one client look faster than another. */
async function writeTestFile(path, size) {
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(8 * MiB);
  for (let written = 0; written < size; written += chunk.length) {
    randomFillSync(chunk);
    const piece = chunk.subarray(0, Math.min(chunk.length, size - written));
    if (!out.write(piece)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve, reject) => out.end((error) => (error ? reject(error) : resolve())));
}

/** Removes what a run left: the object, and any multipart upload a failed run did not finish. */
async function clean(s3, bucket, key) {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  for (const upload of Uploads) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
  // RGW frees deleted data in a garbage-collection pass every 30 s; running it now, between runs and off the
  // clock, keeps that pass from landing inside the next client's measurement.
  spawnSync('radosgw-admin', ['gc', 'process', '--include-all'], { env: { ...process.env, CEPH_CONF: join(RGW_DIR, 'ceph.conf') }, stdio: 'ignore' });
}

if (isStale('cli')) await buildTarget('cli');
const hoistVersion = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;
const workDir = await mkdtemp(join(tmpdir(), 'hoist-bench-'));
const file = join(workDir, 'data.bin');
let stopped = false;
const stopServer = () => {
  if (stopped) return;
  stopped = true;
  stopRgw(root);
};
process.once('SIGINT', () => {
  stopServer();
  rmSync(workDir, { recursive: true, force: true });
  process.exit(130);
});

const results = [];
let hoistOnly;
let profile;
try {
  console.error(`bench: writing a ${config.fileBytes} byte test file`);
  await writeTestFile(file, config.fileBytes);
  // Sparse, so only what is stored uses disk; room for many copies, as deleted data is freed by RGW's GC later.
  const server = startRgw(root, Math.max(8 * 1024 * MiB, 16 * config.fileBytes, 3 * config.bigFileBytes));
  const bucket = 'hoist-bench';
  const s3 = new S3Client({
    region: server.region,
    endpoint: server.endpoint,
    forcePathStyle: true,
    credentials: { accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey },
  });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const ctx = { root, file, bucket, server, workDir, hoistVersion, fileBytes: config.fileBytes, partSize: config.partSize, concurrency: config.concurrency };

  const runners = new Map();
  for (const client of clients) {
    const entry = { id: client.id, label: client.label, install: client.install, reference: client.reference === true, runs: [] };
    results.push(entry);
    if (!client.installed(ctx)) {
      entry.status = 'not installed';
      console.error(`bench: ${client.label} is not installed (${client.install})`);
      continue;
    }
    entry.version = client.version(ctx);
    try {
      runners.set(client.id, client.prepare(ctx));
      entry.status = 'measured';
    } catch (error) {
      entry.status = 'failed';
      entry.error = error.message;
    }
  }

  // Off the clock: what a client does once per server and not per upload (Hoist's capability probe).
  for (const client of clients.filter((candidate) => candidate.warmUp && runners.has(candidate.id))) {
    const key = `bench/${client.id}-warm-up.bin`;
    const run = await runMeasured(runners.get(client.id)(key, 0));
    if (!run.ok) console.error(`bench: ${client.label} warm-up failed (exit ${run.exitCode})\n${run.output}`);
    await clean(s3, bucket, key);
  }

  let runNumber = 0;
  for (let rep = 0; rep < config.reps; rep += 1) {
    // Alternating order: a client that always ran first (cold server) or last (after the most GC) would be favoured or hurt.
    const order = rep % 2 === 0 ? results : [...results].reverse();
    for (const entry of order) {
      const runner = runners.get(entry.id);
      if (!runner) continue;
      runNumber += 1;
      const key = `bench/${entry.id}-${rep}.bin`;
      const run = await runMeasured(runner(key, runNumber));
      if (run.ok) {
        // An upload only counts if the whole object is there.
        const head = await s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key })).catch(() => undefined);
        if (head?.ContentLength !== config.fileBytes) Object.assign(run, { ok: false, output: `object is ${head?.ContentLength ?? 'missing'}, not ${config.fileBytes} bytes\n${run.output}` });
      }
      entry.runs.push({ rep, ...run, output: run.ok ? undefined : run.output });
      const mbps = config.fileBytes / 1e6 / run.wallSeconds;
      console.error(
        `bench: rep ${rep + 1}/${config.reps} ${entry.label}: ` +
          (run.ok
            ? `${mbps.toFixed(0)} MB/s, ${run.wallSeconds.toFixed(2)} s, CPU ${run.cpuSeconds.toFixed(2)} s, RSS ${(run.peakRssBytes / MiB).toFixed(0)} MiB, server CPU ${run.serverCpuSeconds.toFixed(2)} s`
            : `FAILED (exit ${run.exitCode})\n${run.output}`),
      );
      await clean(s3, bucket, key);
    }
  }
  if (runners.has('hoist')) {
    const stateDir = join(workDir, 'hoist-state');
    try {
      profile = await profileHoist(ctx, stateDir, 'bench/hoist-profiled.bin');
      console.error(`bench: profiled Hoist upload: ${profile.wallSeconds.toFixed(2)} s, state writes ${(profile.stateShareOfWall * 100).toFixed(1)}% of wall`);
    } catch (error) {
      profile = { error: error.message.slice(0, 1000) };
      console.error(`bench: profile FAILED: ${error.message}`);
    }
    await clean(s3, bucket, 'bench/hoist-profiled.bin');
    hoistOnly = await measureHoistOnly(ctx, s3, { reps: config.reps, bigFileBytes: config.bigFileBytes, clean: (key) => clean(s3, bucket, key) });
  }
  for (const entry of results) {
    if (entry.status === 'measured' && !entry.runs.some((run) => run.ok)) {
      entry.status = 'failed';
      entry.error = `every run failed (exit ${entry.runs[0]?.exitCode})`;
    }
  }
} finally {
  stopServer();
  await rm(workDir, { recursive: true, force: true });
}

const summary = summarize(config.fileBytes, results);
summary.targets.push(...hoistOnlyTargets(hoistOnly, config));
const output = { measuredAt: new Date().toISOString(), machine: describeMachine(), config, ...summary, profile, hoistOnly };
await writeResults(root, output);
await writeDocs(root, output);

for (const row of summary.rows) {
  const m = row.medians;
  console.log(
    m
      ? `${row.label.padEnd(22)} ${m.mbPerSecond.toFixed(0).padStart(5)} MB/s  CPU ${m.cpuSecondsPerGiB.toFixed(2)} s/GiB  RSS ${m.peakRssMiB.toFixed(0)} MiB`
      : `${row.label.padEnd(22)} ${row.status}${row.status === 'not installed' ? ` (${row.install})` : `: ${row.error}`}`,
  );
}
for (const target of summary.targets) console.log(`target ${target.name}: ${target.status}${target.byPercent !== undefined ? ` (${target.byPercent.toFixed(0)}%)` : ''}`);
console.log('written: docs/benchmarks.md, docs/benchmarks-throughput.svg, bench/results/s3-upload.json');
