// The parts of docs/benchmarks.md about Hoist alone: what a crash costs, how
// fast a resume starts, memory against its budget, where the time goes (the
// CPU profile), the renderer's queue, and why each missed target is missed,
// with the figures of the same run.
import { atMostTarget } from './summary.mjs';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const mib = (bytes) => fixed(bytes / MiB, bytes < 10 * MiB ? 1 : 0);
const failed = (what, result) => `- ${what}: **not measured**: ${result?.error ?? 'the run did not get this far'}`;

export function hoistOnlySection(hoistOnly, config, rows) {
  if (!hoistOnly) return '*Not measured (Hoist did not run).*';
  const lines = [];
  const kill = hoistOnly.resentAfterKill;
  if (kill && !kill.error) {
    lines.push(
      `- **Bytes sent again after a crash**: the upload of the ${mib(config.fileBytes)} MiB file was killed (SIGKILL) once ${mib(kill.killedAfterBytes)} MiB of part data had gone out;` +
        ` the server then held ${kill.partsOnServerAtKill} complete parts. \`hoist resume\` sent ${mib(kill.resumedBytes)} MiB more, so **${mib(kill.resentBytes)} MiB** went twice` +
        ` (${kill.partsSentTwice} part${kill.partsSentTwice === 1 ? '' : 's'} started in both sessions), against a bound of ${config.concurrency} parts in flight × ${config.partSize / MiB} MiB = ${mib(kill.boundBytes)} MiB.` +
        ' Counted by a proxy that reads every UploadPart body on its way to RGW.',
    );
  } else lines.push(failed('Bytes sent again after a crash', kill));
  const resume = hoistOnly.resumeToFirstPart;
  if (resume && !resume.error) {
    lines.push(
      `- **Resume to the first part on the wire** with a ${resume.parts.toLocaleString('en')}-part upload recorded (a sparse ${fixed((resume.parts * resume.partSize) / GiB, 1)} GiB file in ${resume.partSize / MiB} MiB parts, killed after 8 parts):` +
        ` **${fixed(resume.medianSeconds, 2)} s** median (runs: ${resume.seconds.map((s) => fixed(s, 2)).join(', ')} s), from launching \`hoist resume\` (Node's start-up included) to the first UploadPart request reaching the proxy.` +
        ' In between: opening and checking the state database, the file\'s size, mtime and fingerprint, re-reading a sample of the completed parts, and ListParts.',
    );
  } else lines.push(failed('Resume to the first part on the wire', resume));
  const base = hoistOnly.memoryBaselines;
  const big = hoistOnly.rss;
  const hoistRow = rows.find((row) => row.id === 'hoist')?.medians;
  if (big && !big.error) {
    const young = big.smallYoungGeneration;
    const grew = hoistRow && big.peakRssBytes / MiB > hoistRow.peakRssMiB + 8;
    lines.push(
      `- **Memory at size**: peak RSS ${mib(big.peakRssBytes)} MiB for a ${fixed(big.fileBytes / GiB, 1)} GiB file, against ${fixed(hoistRow?.peakRssMiB)} MiB for the ${mib(config.fileBytes)} MiB file.` +
        ' The part data stays at the parts in flight (each part\'s buffer is reused by the next)' +
        (grew ? '; what grows is V8\'s young generation, which widens under a long upload\'s steady allocation (requests, stream chunks) up to its default maximum.' : '.') +
        (young
          ? ` The same ${fixed(big.fileBytes / GiB, 1)} GiB upload with the young generation held at 2 MiB (\`node --max-semi-space-size=2\`): ${mib(young.peakRssBytes)} MiB,` +
            ` ${fixed(young.cpuSeconds, 1)} CPU s against ${fixed(big.cpuSeconds, 1)}.`
          : ''),
    );
  } else lines.push(failed('Memory at size', big));
  if (base && !base.error) {
    lines.push(
      `- **Memory before a byte moves**: Node alone ${mib(base.nodeBytes)} MiB; Node with the AWS SDK's S3 client loaded ${mib(base.nodeWithSdkBytes)} MiB;` +
        ` Hoist uploading a 5-byte file (SQLite, the SDK, its own code) ${mib(base.hoistTinyUploadBytes)} MiB.`,
    );
  } else lines.push(failed('Memory before a byte moves', base));
  return lines.join('\n');
}

export function profileSection(profile) {
  if (!profile || profile.error) return failed('The profile', profile);
  const names = [...new Set(profile.threads.flatMap((thread) => Object.keys(thread.ms)))];
  const header = `| where | ${profile.threads.map((thread) => `${thread.name} ms`).join(' | ')} |`;
  const rule = `|---|${profile.threads.map(() => '---').join('|')}|`;
  const body = names
    .filter((name) => profile.threads.some((thread) => thread.ms[name] >= 1))
    .map((name) => `| ${name} | ${profile.threads.map((thread) => fixed(thread.ms[name])).join(' | ')} |`);
  const total = `| **total sampled** | ${profile.threads.map((thread) => fixed(thread.totalMs)).join(' | ')} |`;
  return [
    `One Hoist upload of the same file under Node's sampling profiler (\`--cpu-prof\`, a profile per thread), ${fixed(profile.wallSeconds, 2)} s wall (the profiler slows it a little), ${fixed(profile.cpuSeconds, 2)} CPU s.`,
    'Each sample is counted once, in the first matching row, by its call stack. Samples are wall time on each thread: on two cores shared with the server, a busy row includes time the thread waited for a core.',
    '',
    header,
    rule,
    ...body,
    total,
    '',
    `**Share of wall time spent writing state**: ${fixed(profile.stateShareOfWall * 100, 1)}% (the main thread inside SQLite, each part recorded before it is sent and after; every commit is synced to disk).`,
  ].join('\n');
}

export function rendererSection(renderer) {
  if (!renderer) return '*Not measured: run `npm run bench:ui` (it writes bench/results/renderer-queue.json, read from here).*';
  const runs = renderer.runs ?? [];
  const list = (key, digits = 0) => runs.map((run) => fixed(run[key], digits)).join(', ');
  return [
    `Measured by \`npm run bench:ui\` on ${String(renderer.measuredAt ?? '').slice(0, 16).replace('T', ' ')} UTC in Chromium ${String(renderer.chromium ?? '').replace(/^Chromium\s*/i, '')}: the renderer's production build with ${Number(renderer.rows).toLocaleString('en')} uploads in its queue,` +
      ' scrolled from top to bottom; raw results in `bench/results/renderer-queue.json`.',
    '',
    `- time to first render: ${list('firstRenderMs')} ms (median ${fixed(renderer.median?.firstRenderMs)} ms)`,
    `- worst scroll frame: ${list('worstFrameMs')} ms (median ${fixed(renderer.median?.worstFrameMs)} ms); p95 frame ${list('p95FrameMs', 1)} ms; frames over 50 ms: ${list('framesOver50ms')}`,
  ].join('\n');
}

/** The renderer's two targets, from its own results (median over its runs). */
export function rendererTargets(renderer) {
  const check = (name, actual, limit) => atMostTarget(name, actual, limit, 'ms', 'no results from `npm run bench:ui`');
  return [
    check('10,000-row queue: first render < 500 ms', renderer?.median?.firstRenderMs, 500),
    check('10,000-row queue: no scroll frame over 50 ms', renderer?.median?.worstFrameMs, 50),
  ];
}
