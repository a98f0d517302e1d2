// The measured CLI runs. Each starts from a fresh state directory in a fresh
// bucket, warmed by a two-file upload off the clock (the first upload to a
// bucket probes the server's capabilities; a user's second upload does not),
// and goes through the counting proxy, whose records say what reached the
// server and when.
import { setTimeout as sleep } from 'node:timers/promises';
import { CreateBucketCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { hoistInvocation } from '../s3/clients.mjs';
import { checkUploaded } from './folders.mjs';
import { nowMs, startCli } from './cli-process.mjs';

const ok2xx = (record) => record.status >= 200 && record.status < 300;

/**
 * Per run: a bucket, a state dir, and the warm-up. `env` has ctx (root,
 * server, partSize, concurrency, workDir), proxy, s3, probeDir and a counter
 * for unique names.
 */
async function prepare(env, name) {
  const n = (env.serial += 1);
  const bucket = `fr-${env.runId}-${n}`.toLowerCase();
  const stateDir = `${env.ctx.workDir}/state-${n}-${name}`;
  await env.s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const warm = await startCli(invocation(env, ['upload', env.probeDir, `s3://${bucket}/warm-up/`], stateDir)).done;
  if (warm.exitCode !== 0) throw new Error(`the warm-up upload failed (exit ${warm.exitCode}):\n${warm.output.slice(-2000)}`);
  return { bucket, stateDir };
}

const invocation = (env, args, stateDir) => hoistInvocation(env.ctx, args, { stateDir, endpoint: env.proxy.endpoint });
const forRun = (records, bucket) => records.filter((record) => record.bucket === bucket && !record.key.startsWith('warm-up/'));
const firstByteSeconds = (records, startedAt) => (records.length > 0 ? (records[0].at - startedAt) / 1000 : NaN);
const failure = (why, result) => ({ ok: false, error: `${why}${result ? `\n${result.output.trim().slice(-1500)}` : ''}` });

/**
 * What a resume sent again, from the proxy's records of the killed run and of
 * the resume: files the server had accepted (2xx) before the resume that it
 * PUT again, and files the resume PUT more than once. Also the broader count:
 * every file the killed run had started (accepted or not) that the resume PUT.
 */
export function sentAgain(firstRecords, resumeRecords) {
  const acceptedBefore = new Set(firstRecords.filter(ok2xx).map((record) => record.key));
  const startedBefore = new Set(firstRecords.map((record) => record.key));
  const puts = new Map();
  for (const record of resumeRecords) puts.set(record.key, (puts.get(record.key) ?? 0) + 1);
  const again = [...puts].filter(([key, count]) => acceptedBefore.has(key) || count > 1).map(([key]) => key);
  const startedAgain = [...puts.keys()].filter((key) => startedBefore.has(key));
  return { filesSentAgain: again.length, filesSentAgainExamples: again.slice(0, 8), filesStartedBeforeAndSentAgain: startedAgain.length, resumePuts: resumeRecords.length, resumeFiles: puts.size };
}

/**
 * Uploads `dir` (the plan's folder) and SIGKILLs the CLI once the server has
 * accepted half the files; then times `resume` to its first PUT at the server
 * and counts the files sent again. Counts only if the resume exits 0 and the
 * listing then is the folder.
 */
export async function killAndResume(env, { dir, plan }) {
  const { bucket, stateDir } = await prepare(env, `kill-${plan.id}`);
  const prefix = 'run/';
  const { proxy } = env;
  const half = Math.floor(plan.count / 2);
  let accepted = 0;
  let killedAt = null;
  const fromFirst = proxy.records.length;
  const first = startCli(invocation(env, ['upload', dir, `s3://${bucket}/${prefix}`], stateDir));
  proxy.onAnswer = (record) => {
    if (record.bucket !== bucket || !record.key.startsWith(prefix) || !ok2xx(record) || record.partNumber) return;
    accepted += 1;
    if (accepted >= half && killedAt === null) {
      killedAt = nowMs();
      first.kill('SIGKILL');
    }
  };
  const killed = await first.done;
  proxy.onAnswer = null;
  if (killedAt === null) return failure(`the upload ended (exit ${killed.exitCode}) before half its files were accepted (${accepted} of ${plan.count})`, killed);
  // Answers to the PUTs that were on their way at the kill: the server still completes what it had whole.
  await sleep(1000);
  const firstRecords = forRun(proxy.records.slice(fromFirst), bucket);
  const onTheirWay = new Set(firstRecords.filter((record) => record.answeredAt === null || record.answeredAt > killedAt).map((record) => record.key));

  const fromResume = proxy.records.length;
  const othersFrom = proxy.others.length;
  const resume = startCli(invocation(env, ['resume'], stateDir));
  const resumed = await resume.done;
  const resumeRecords = forRun(proxy.records.slice(fromResume), bucket);
  // What the resume asked the server before its first PUT: where the time to the first byte goes.
  const firstPutAt = resumeRecords[0]?.at ?? Infinity;
  const asked = proxy.others.slice(othersFrom).filter((other) => other.at < firstPutAt && other.request.includes(`/${bucket}/`));
  const listPagesBeforeFirstByte = asked.filter((other) => other.request.includes('list-type=2')).length;
  if (resumed.exitCode !== 0) return failure(`resume exited ${resumed.exitCode}`, resumed);
  const check = await checkUploaded(env.s3, bucket, prefix, plan);
  if (!check.ok) return failure(`after the resume: ${check.why}`, resumed);
  return {
    ok: true,
    killedAfterSeconds: (killedAt - first.startedAt) / 1000,
    acceptedAtKill: firstRecords.filter((record) => ok2xx(record) && record.answeredAt <= killedAt).length,
    onTheirWayAtKill: onTheirWay.size,
    killedPeakRssBytes: killed.peakRssBytes,
    resumeFirstByteSeconds: firstByteSeconds(resumeRecords, resume.startedAt),
    // Node's start, the state database, the CLI's set-up: until the resume's first request of any kind.
    resumeFirstRequestSeconds: asked.length > 0 ? (asked[0].at - resume.startedAt) / 1000 : NaN,
    listPagesBeforeFirstByte,
    resumeWallSeconds: resumed.wallSeconds,
    resumeCpuSeconds: resumed.cpuSeconds,
    resumePeakRssBytes: resumed.peakRssBytes,
    ...sentAgain(firstRecords, resumeRecords),
    hoistSays: resumed.summary ?? null,
  };
}

/**
 * Uploads the plan's folder start to end on a terminal (so the CLI draws its
 * folder progress line): time to that first line, to the first PUT at the
 * server, the whole upload, and its peak RSS.
 */
export async function fullUpload(env, { dir, plan }) {
  const { bucket, stateDir } = await prepare(env, `full-${plan.id}`);
  const prefix = 'run/';
  const from = env.proxy.records.length;
  const run = startCli(invocation(env, ['upload', dir, `s3://${bucket}/${prefix}`], stateDir), { pty: true });
  const result = await run.done;
  const records = forRun(env.proxy.records.slice(from), bucket);
  if (result.exitCode !== 0) return failure(`upload exited ${result.exitCode}`, result);
  const check = await checkUploaded(env.s3, bucket, prefix, plan);
  if (!check.ok) return failure(check.why, result);
  return {
    ok: true,
    firstProgressSeconds: result.firstProgressAt === null ? NaN : (result.firstProgressAt - run.startedAt) / 1000,
    firstByteSeconds: firstByteSeconds(records, run.startedAt),
    wallSeconds: result.wallSeconds,
    filesPerSecond: plan.count / result.wallSeconds,
    cpuSeconds: result.cpuSeconds,
    peakRssBytes: result.peakRssBytes,
    puts: records.length,
    hoistSays: result.summary ?? null,
  };
}

/** One large file (not a folder) with the same part size and concurrency: the peak RSS the folder's is held against. */
export async function singleFile(env, { file, plan }) {
  const { bucket, stateDir } = await prepare(env, 'single');
  const key = 'run/large.bin';
  const run = startCli(invocation(env, ['upload', file, `s3://${bucket}/${key}`], stateDir));
  const result = await run.done;
  if (result.exitCode !== 0) return failure(`upload exited ${result.exitCode}`, result);
  const head = await env.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  if (head.ContentLength !== plan.totalBytes) return failure(`the object has ${head.ContentLength} bytes, not ${plan.totalBytes}`);
  const check = await checkUploaded(env.s3, bucket, 'run/', { count: 1, files: [{ path: 'large.bin', size: plan.totalBytes }] });
  if (!check.ok) return failure(check.why);
  return { ok: true, wallSeconds: result.wallSeconds, mbPerSecond: plan.totalBytes / 1e6 / result.wallSeconds, cpuSeconds: result.cpuSeconds, peakRssBytes: result.peakRssBytes };
}
