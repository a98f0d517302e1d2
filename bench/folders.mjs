// Benchmark: uploading folders of many files to a local Ceph RGW with Hoist,
// `aws s3 cp --recursive` and `rclone copy`, 4 transfers in flight each.
// Workloads A (2,000 × 64 KiB), B (10,000 × 16 KiB) and C (500 "photos" of
// 2–12 MiB), optionally also through a proxy that acts as a 100 Mbit/s link
// 40 ms away. Reports files/s, MB/s, CPU ms per file and peak RSS (medians)
// against the folder issue's targets, never asserting them. Writes
// bench/results/folders.json and docs/benchmarks-folders.md.
//
//   npm run bench:folders [-- --workloads A,B,C --reps 3 --scale 1 --link --link-scale 0.1 --out DIR --cache DIR --clients hoist,aws-cli,rclone
//                            --hoist-via auto|cli|headless]
//   npm run bench:folders -- --report-only [--out DIR]   (the page again from the saved results)
//
// Imported first: it points bench/s3/rgw.mjs at this benchmark's own server directory.
import { FOLDERS_RGW_DIR, benchS3Client, emptyPrefix, listPrefix, loadServerModules, startFoldersRgw } from './folders/server.mjs';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { buildTarget, isStale } from '../scripts/build.mjs';
import { describeMachine } from './s3/machine.mjs';
import { detectHoistCliFolders, folderClients } from './folders/clients.mjs';
import { killRunningApps } from './folders/hoist-headless.mjs';
import { startLinkProxy } from './folders/link-proxy.mjs';
import { describeRun, evaluateTargets, markdown, scenarioMedians } from './folders/report.mjs';
import { DEFAULT_CACHE_DIR, ensureWorkload, planWorkload, warmPageCache } from './folders/workloads.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const MiB = 2 ** 20;
const GiB = 2 ** 30;
const log = (message) => console.error(`bench:folders: ${message}`);

const argv = process.argv.slice(2);
const { values: opts } = parseArgs({
  args: argv,
  options: {
    workloads: { type: 'string', default: 'A,B,C' },
    reps: { type: 'string', default: '3' },
    scale: { type: 'string', default: '1' },
    link: { type: 'boolean', default: false },
    // Through a 100 Mbit/s link the full photo folder alone takes about 5 minutes per run: the link scenarios may be smaller.
    'link-scale': { type: 'string' },
    out: { type: 'string' },
    cache: { type: 'string', default: DEFAULT_CACHE_DIR },
    clients: { type: 'string', default: 'aws-cli,rclone,hoist' },
    // auto: the CLI when it sends a folder as one object per file (tried first), else the headless app.
    'hoist-via': { type: 'string', default: 'auto' },
    'report-only': { type: 'boolean', default: false },
  },
});
const outDir = opts.out ? resolve(opts.out) : undefined;
const resultsPath = outDir ? join(outDir, 'folders.json') : join(root, 'bench', 'results', 'folders.json');
const docPath = outDir ? join(outDir, 'benchmarks-folders.md') : join(root, 'docs', 'benchmarks-folders.md');
const shown = (path) => (isAbsolute(relative(root, path)) || relative(root, path).startsWith('..') ? path : relative(root, path));

/** The latest CPU profile of a folder upload (npm run bench:folders-profile), if one was made. */
function savedProfile() {
  const profilePath = join(root, 'bench', 'results', 'folders-profile.json');
  return existsSync(profilePath) ? JSON.parse(readFileSync(profilePath, 'utf8')) : undefined;
}

async function writeOutputs(results) {
  mkdirSync(dirname(resultsPath), { recursive: true });
  mkdirSync(dirname(docPath), { recursive: true });
  await writeFile(resultsPath, `${JSON.stringify(results, null, 2)}\n`);
  await writeFile(docPath, markdown(results, shown(resultsPath), savedProfile()));
  log(`written: ${shown(docPath)}, ${shown(resultsPath)}`);
}

if (opts['report-only']) {
  const saved = JSON.parse(await readFile(resultsPath, 'utf8'));
  // From the runs themselves, so a change to the summary applies to saved results too.
  for (const scenario of saved.scenarios) scenario.medians = scenarioMedians(scenario);
  saved.targets = evaluateTargets(saved);
  await writeFile(docPath, markdown(saved, shown(resultsPath), savedProfile()));
  log(`written: ${shown(docPath)} (from ${shown(resultsPath)})`);
  process.exit(0);
}

const config = {
  workloads: opts.workloads.split(',').map((id) => id.trim().toUpperCase()).filter(Boolean),
  reps: Number(opts.reps),
  scale: Number(opts.scale),
  linkScale: Number(opts['link-scale'] ?? opts.scale),
  link: opts.link,
  linkParams: { delayMs: 40, mbitPerSecond: 100 },
  concurrency: 4,
  partSize: 8 * MiB,
};
if (!(Number.isInteger(config.reps) && config.reps >= 1)) throw new Error('--reps must be a whole number ≥ 1');
if (!(config.scale > 0 && config.scale <= 1)) throw new Error('--scale must be in (0, 1]');
if (!(config.linkScale > 0 && config.linkScale <= 1)) throw new Error('--link-scale must be in (0, 1]');
if (opts['link-scale'] !== undefined && !config.link) throw new Error('--link-scale applies to the link scenarios: add --link');
if (!['auto', 'cli', 'headless'].includes(opts['hoist-via'])) throw new Error('--hoist-via takes auto, cli or headless');
const plans = config.workloads.map((id) => planWorkload(id, config.scale));
const linkPlans = config.link ? config.workloads.map((id) => planWorkload(id, config.linkScale)) : [];
const plansFor = (mode) => (mode === 'link' ? linkPlans : plans);
const wantedClients = new Set(opts.clients.split(',').map((id) => id.trim()));

for (const target of ['cli', 'headless']) if (isStale(target)) await buildTarget(target);
const modules = await loadServerModules();
const hoistVersion = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')).version;
const workDir = await mkdtemp(join(tmpdir(), 'hoist-bench-folders-'));

// A scaled folder is a folder of its own in the cache (the first files of the full one).
const dirs = new Map();
for (const plan of [...plans, ...linkPlans]) dirs.set(`${plan.id}/${plan.count}`, await ensureWorkload(plan, opts.cache, log));
// A two-file folder: the CLI's folder check and the warm-up uploads.
const probe = { dir: join(workDir, 'probe', 'probe'), count: 2, bytes: 2048 };
mkdirSync(probe.dir, { recursive: true });
for (const name of ['a.bin', 'b.bin']) writeFileSync(join(probe.dir, name), Buffer.alloc(1024, name));

let rgw;
let proxy;
const cleanUp = async () => {
  killRunningApps();
  await proxy?.close().catch(() => undefined);
  rgw?.stop();
  await rm(workDir, { recursive: true, force: true });
};
/** Our child processes and theirs (a client under GNU time): stopped with the benchmark, not left running. */
function killDescendants(pid) {
  let children = [];
  try {
    children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number);
  } catch {
    // Gone already.
  }
  for (const child of children) {
    killDescendants(child);
    try {
      process.kill(child, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    killRunningApps();
    killDescendants(process.pid);
    proxy?.close().catch(() => undefined);
    rgw?.stop();
    rmSync(workDir, { recursive: true, force: true });
    process.exit(130);
  });
}

const scenarios = [];
const versions = {};
const how = {};
let hoistCli;
const runId = new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15);
try {
  // Sparse: only what is stored uses disk. Every run's objects are deleted after it, so a few copies of the largest folder suffice.
  const biggest = Math.max(...plans.map((plan) => plan.totalBytes));
  rgw = startFoldersRgw(root, modules, Math.max(8 * GiB, 6 * biggest));
  const { server } = rgw;
  log(`RGW on ${server.endpoint} in ${FOLDERS_RGW_DIR}`);
  const bucket = 'hoist-bench-folders';
  const s3 = benchS3Client(server);
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  const ctx = { root, workDir, server, bucket, hoistVersion, partSize: config.partSize, concurrency: config.concurrency, file: probe.dir };

  ctx.hoistCli = hoistCli = await detectHoistCliFolders(ctx, modules, s3, probe);
  if (opts['hoist-via'] === 'cli' && !hoistCli.supported) throw new Error(`--hoist-via cli: ${hoistCli.why}`);
  if (opts['hoist-via'] === 'headless') ctx.hoistCli = hoistCli = { supported: false, why: 'the headless app was asked for (--hoist-via headless)' };
  log(hoistCli.supported ? 'Hoist: driven by its CLI (it sends a folder as one object per file)' : `Hoist: driven by the headless app; ${hoistCli.why}`);

  const clients = folderClients(modules).filter((client) => wantedClients.has(client.id));
  if (config.link) {
    proxy = await startLinkProxy(server.endpoint, config.linkParams);
    config.linkParams = proxy.params;
  }
  const modes = config.link ? [['direct', server.endpoint], ['link', proxy.endpoint]] : [['direct', server.endpoint]];
  const runners = new Map(); // `${mode}/${client}` → run
  for (const client of clients) {
    if (!client.installed(ctx)) {
      client.status = 'not installed';
      log(`${client.label} is not installed (${client.install})`);
      continue;
    }
    versions[client.id] = client.version(ctx);
    for (const [mode, endpoint] of modes) {
      try {
        const run = client.prepare(ctx, endpoint, `${client.id}-${mode}`);
        runners.set(`${mode}/${client.id}`, run);
        // Off the clock: what a client does once per server and bucket (Hoist's capability probe).
        if (client.id === 'hoist') {
          const warmUp = await run({ dir: probe.dir, prefix: `folders/warm-up/${mode}/`, plan: { count: probe.count, totalBytes: probe.bytes } });
          if (!warmUp.ok) log(`Hoist warm-up (${mode}) failed:\n${warmUp.output}`);
          await emptyPrefix(s3, bucket, `folders/warm-up/${mode}/`);
        }
        client.status = 'measured';
      } catch (error) {
        client.status = 'failed';
        log(`${client.label} (${mode}) could not be prepared: ${error.message}`);
      }
    }
    how[client.id] = client.how;
  }

  for (const [mode] of modes) {
    for (const plan of plansFor(mode)) {
      const dir = dirs.get(`${plan.id}/${plan.count}`);
      const scenario = {
        workload: plan.id,
        label: plan.label,
        mode,
        count: plan.count,
        totalBytes: plan.totalBytes,
        clients: clients.map((client) => ({ id: client.id, label: client.label, status: client.status })),
        runs: [],
      };
      scenarios.push(scenario);
      await warmPageCache(dir, plan);
      for (let rep = 0; rep < config.reps; rep += 1) {
        // Alternating order: a client that always ran first (cold server) or last (after the most GC) would be favoured or hurt.
        const order = rep % 2 === 0 ? clients : [...clients].reverse();
        for (const client of order) {
          const run = runners.get(`${mode}/${client.id}`);
          if (!run) continue;
          const prefix = `folders/${runId}/${plan.id}-${mode}/${client.id}/rep${rep + 1}/`;
          let result;
          try {
            result = await run({ dir, prefix, plan });
          } catch (error) {
            result = { ok: false, exitCode: null, output: error.message };
          }
          if (result.ok) {
            // A run counts only if everything is there.
            const listed = await listPrefix(s3, bucket, prefix);
            if (listed.count !== plan.count || listed.bytes !== plan.totalBytes) {
              Object.assign(result, { ok: false, output: `listing has ${listed.count} objects, ${listed.bytes} bytes; expected ${plan.count}, ${plan.totalBytes}\n${result.output}` });
            }
          }
          const { output, ...measured } = result;
          const entry = describeRun({ client: client.id, rep, prefix, ...measured, ...(result.ok ? {} : { error: output?.trim().slice(-2000) }) }, scenario);
          scenario.runs.push(entry);
          log(
            `${plan.id} ${mode} rep ${rep + 1}/${config.reps} ${client.label}: ` +
              (entry.ok
                ? `${entry.filesPerSecond.toFixed(1)} files/s, ${entry.mbPerSecond.toFixed(1)} MB/s, ${entry.wallSeconds.toFixed(2)} s, ` +
                  `CPU ${entry.cpuSeconds.toFixed(2)} s (${entry.cpuMsPerFile.toFixed(2)} ms/file), RSS ${(entry.peakRssBytes / MiB).toFixed(0)} MiB` +
                  (entry.addSeconds !== undefined ? `, add answered in ${entry.addSeconds.toFixed(2)} s` : '')
                : `FAILED (exit ${entry.exitCode})\n${entry.error}`),
          );
          await emptyPrefix(s3, bucket, prefix);
        }
      }
      scenario.medians = scenarioMedians(scenario);
    }
  }
} finally {
  await cleanUp();
}

const command = `npm run bench:folders${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const results = {
  measuredAt: new Date().toISOString(),
  command,
  machine: describeMachine(),
  config,
  versions,
  hoistDriver: hoistCli.supported ? { via: 'cli' } : { via: 'headless', why: hoistCli.why },
  how,
  scenarios,
};
results.targets = evaluateTargets(results);
await writeOutputs(results);

for (const scenario of results.scenarios) {
  for (const client of scenario.clients) {
    const m = scenario.medians[client.id];
    const name = `${scenario.workload} ${scenario.mode.padEnd(6)} ${client.label.padEnd(8)}`;
    console.log(m?.runsOk ? `${name} ${m.filesPerSecond.toFixed(1).padStart(8)} files/s ${m.mbPerSecond.toFixed(1).padStart(7)} MB/s  CPU ${m.cpuMsPerFile.toFixed(2)} ms/file  RSS ${m.peakRssMiB.toFixed(0)} MiB` : `${name} no successful run (${client.status})`);
  }
}
for (const target of results.targets) console.log(`target ${target.name}: ${target.status}${target.byPercent !== undefined ? ` (${target.byPercent.toFixed(0)}%)` : ''}`);
