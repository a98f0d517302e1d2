// The measurements only Hoist has a reason to make: what a crash costs in
// bytes sent again, how fast a resume gets a part on the wire with a
// 10,000-part upload recorded, and how memory behaves on a big file. Each one
// drives the real CLI against the benchmark's RGW, through a proxy that counts
// UploadPart bodies where it must see the wire.
import { spawn } from 'node:child_process';
import { closeSync, openSync, ftruncateSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { randomFillSync } from 'node:crypto';
import { AbortMultipartUploadCommand, ListMultipartUploadsCommand, ListPartsCommand } from '@aws-sdk/client-s3';
import { hoistInvocation } from './clients.mjs';
import { startPartCountingProxy } from './part-counting-proxy.mjs';
import { runMeasured } from './run-measured.mjs';
import { median } from './summary.mjs';

const MiB = 1024 * 1024;
const MIN_PART = 5 * MiB;

/** Runs a Hoist CLI command to its end (or until `until` kills it); resolves its exit code or signal. */
function runHoist(invocation, until) {
  const child = spawn(invocation.command, invocation.args, { env: invocation.env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => (output = (output + chunk).slice(-4000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  until?.(() => child.kill('SIGKILL'));
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, output })));
}

async function abortUnfinished(s3, bucket, key) {
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: key }));
  for (const upload of Uploads) await s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId }));
}

/** One small upload through the proxy, so the probe of that endpoint is recorded and not counted later. */
async function warmUp(ctx, proxy, stateDir, tinyFile) {
  const result = await runHoist(hoistInvocation(ctx, ['upload', tinyFile, `s3://${ctx.bucket}/bench/hoist-only-warm-up`], { stateDir, endpoint: proxy.endpoint }));
  if (result.code !== 0) throw new Error(`warm-up upload failed (exit ${result.code}): ${result.output}`);
}

/**
 * SIGKILL when half the file's part bytes have reached the proxy, then
 * `hoist resume`: every part byte sent in both sessions, less the file's
 * size, is what the crash cost. The bound is the parts in flight.
 */
export async function resentAfterKill(ctx, s3, proxy, stateDir) {
  const key = 'bench/hoist-kill.bin';
  proxy.reset();
  const killed = await runHoist(hoistInvocation(ctx, ['upload', ctx.file, `s3://${ctx.bucket}/${key}`], { stateDir, endpoint: proxy.endpoint }), (kill) => {
    proxy.counts.onBytes = (sent) => {
      if (sent >= ctx.fileBytes / 2) {
        proxy.counts.onBytes = null;
        kill();
      }
    };
  });
  if (killed.signal !== 'SIGKILL') throw new Error(`the upload ended before it could be killed (exit ${killed.code}): ${killed.output}`);
  const firstSession = proxy.counts.partBytes;
  const sentBefore = new Map(proxy.counts.perPart);
  const { Uploads = [] } = await s3.send(new ListMultipartUploadsCommand({ Bucket: ctx.bucket, Prefix: key }));
  const upload = Uploads[0];
  const { Parts = [] } = upload ? await s3.send(new ListPartsCommand({ Bucket: ctx.bucket, Key: key, UploadId: upload.UploadId })) : {};
  proxy.reset();
  const resumed = await runHoist(hoistInvocation(ctx, ['resume'], { stateDir, endpoint: proxy.endpoint }));
  if (resumed.code !== 0) throw new Error(`resume failed (exit ${resumed.code}): ${resumed.output}`);
  const secondSession = proxy.counts.partBytes;
  const partsSentTwice = [...proxy.counts.perPart.keys()].filter((part) => sentBefore.has(part)).length;
  return {
    fileBytes: ctx.fileBytes,
    killedAfterBytes: firstSession,
    partsOnServerAtKill: Parts.length,
    resumedBytes: secondSession,
    resentBytes: firstSession + secondSession - ctx.fileBytes,
    partsSentTwice,
    boundBytes: ctx.concurrency * ctx.partSize,
    key,
  };
}

/**
 * A 10,000-part upload (a sparse file of 10,000 × 5 MiB) killed after a few
 * parts; then, `reps` times, `hoist resume` from process start to the first
 * UploadPart request reaching the proxy, killed there.
 */
export async function resumeToFirstPart(ctx, s3, proxy, stateDir, reps) {
  const parts = 10_000;
  const file = join(ctx.workDir, 'ten-thousand-parts.bin');
  const fd = openSync(file, 'w');
  // Sparse apart from a random first part, so the file reads fast and costs no disk.
  const head = randomFillSync(Buffer.alloc(MIN_PART));
  writeSync(fd, head, 0, head.length, 0);
  ftruncateSync(fd, parts * MIN_PART);
  closeSync(fd);
  const key = 'bench/hoist-ten-thousand-parts.bin';
  const started = await runHoist(hoistInvocation(ctx, ['upload', file, `s3://${ctx.bucket}/${key}`], { stateDir, endpoint: proxy.endpoint, partSize: MIN_PART }), (kill) => {
    proxy.reset();
    proxy.counts.onBytes = (sent) => {
      if (sent >= 8 * MIN_PART) {
        proxy.counts.onBytes = null;
        kill();
      }
    };
  });
  if (started.signal !== 'SIGKILL') throw new Error(`the 10,000-part upload ended before it could be killed (exit ${started.code}): ${started.output}`);
  const seconds = [];
  for (let rep = 0; rep < reps; rep += 1) {
    proxy.reset();
    const launched = process.hrtime.bigint();
    let firstAt = null;
    const result = await runHoist(hoistInvocation(ctx, ['resume'], { stateDir, endpoint: proxy.endpoint, partSize: MIN_PART }), (kill) => {
      proxy.counts.onBytes = () => {
        proxy.counts.onBytes = null;
        firstAt = proxy.counts.firstPartAt;
        kill();
      };
    });
    if (firstAt === null) throw new Error(`resume sent no part (exit ${result.code}): ${result.output}`);
    seconds.push(Number(firstAt - launched) / 1e9);
  }
  await abortUnfinished(s3, ctx.bucket, key);
  return { parts, partSize: MIN_PART, seconds, medianSeconds: median(seconds) };
}

/**
 * Peak RSS of the whole CLI for an upload of `bytes` (a file of one random part
 * repeated: memory, not entropy, is measured); then the same upload with V8's
 * young generation held at 2 MiB, which shows how much of the peak is the
 * young generation growing under a long upload's steady allocation.
 */
export async function rssForSize(ctx, stateDir, bytes, clean) {
  const file = join(ctx.workDir, 'big.bin');
  const chunk = randomFillSync(Buffer.alloc(8 * MiB));
  const fd = openSync(file, 'w');
  for (let offset = 0; offset < bytes; offset += chunk.length) writeSync(fd, chunk, 0, Math.min(chunk.length, bytes - offset), offset);
  closeSync(fd);
  const key = 'bench/hoist-big.bin';
  const measure = async (nodeArgs) => {
    const run = await runMeasured(hoistInvocation(ctx, ['upload', file, `s3://${ctx.bucket}/${key}`], { stateDir, nodeArgs }));
    await clean(key);
    if (!run.ok) throw new Error(`the ${bytes} byte upload failed (exit ${run.exitCode}): ${run.output}`);
    return run;
  };
  const plain = await measure([]);
  const smallYoung = await measure(['--max-semi-space-size=2']);
  rmSync(file, { force: true });
  return {
    fileBytes: bytes,
    peakRssBytes: plain.peakRssBytes,
    wallSeconds: plain.wallSeconds,
    smallYoungGeneration: { peakRssBytes: smallYoung.peakRssBytes, wallSeconds: smallYoung.wallSeconds, cpuSeconds: smallYoung.cpuSeconds },
    cpuSeconds: plain.cpuSeconds,
  };
}

/**
 * What the memory budget is up against before a byte moves: Node on its own,
 * Node with the AWS SDK's S3 client loaded, and Hoist uploading a 5-byte file.
 */
export async function memoryBaselines(ctx, stateDir, tinyFile) {
  const rssOf = async (invocation) => {
    const run = await runMeasured(invocation);
    if (!run.ok) throw new Error(`baseline run failed (exit ${run.exitCode}): ${run.output}`);
    return run.peakRssBytes;
  };
  const node = (code) => ({ command: process.execPath, args: ['-e', code], env: process.env, cwd: ctx.root });
  return {
    nodeBytes: await rssOf(node('')),
    nodeWithSdkBytes: await rssOf(node("require('@aws-sdk/client-s3')")),
    hoistTinyUploadBytes: await rssOf(hoistInvocation(ctx, ['upload', tinyFile, `s3://${ctx.bucket}/bench/hoist-tiny`], { stateDir })),
  };
}

/** All of the above, each failure reported in its place rather than ending the benchmark. */
export async function measureHoistOnly(ctx, s3, { reps, bigFileBytes, clean }) {
  const proxy = await startPartCountingProxy(ctx.server.endpoint);
  const stateDir = join(ctx.workDir, 'hoist-only-state');
  const tinyFile = join(ctx.workDir, 'tiny.bin');
  const fd = openSync(tinyFile, 'w');
  writeSync(fd, Buffer.from('hoist'));
  closeSync(fd);
  const result = {};
  const attempt = async (name, measure) => {
    try {
      result[name] = await measure();
      console.error(`bench: hoist-only ${name}: ${JSON.stringify(result[name])}`);
    } catch (error) {
      result[name] = { error: error.message.slice(0, 1000) };
      console.error(`bench: hoist-only ${name} FAILED: ${error.message}`);
    }
  };
  try {
    await warmUp(ctx, proxy, stateDir, tinyFile);
    await attempt('resentAfterKill', async () => {
      const outcome = await resentAfterKill(ctx, s3, proxy, stateDir);
      await clean(outcome.key);
      return outcome;
    });
    await attempt('resumeToFirstPart', () => resumeToFirstPart(ctx, s3, proxy, stateDir, reps));
    await attempt('memoryBaselines', async () => {
      const outcome = await memoryBaselines(ctx, join(ctx.workDir, 'hoist-state'), tinyFile);
      await clean('bench/hoist-tiny');
      return outcome;
    });
    await attempt('rss', () => rssForSize(ctx, join(ctx.workDir, 'hoist-state'), bigFileBytes, clean));
  } finally {
    await proxy.close();
  }
  return result;
}
