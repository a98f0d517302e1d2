// Medians per scenario (workload × direct or through the link) and client,
// the issue's targets met or missed, and the markdown page made from the
// saved results alone (so its wording can change without measuring again).
import { median } from '../s3/summary.mjs';
import { fasterPeer, profileSection, whySection } from './report-why.mjs';

const MiB = 2 ** 20;
/** 90% of the link's cap, in MB/s (10^6 bytes). */
const capShare = (link) => (0.9 * link.mbitPerSecond) / 8;

/** Per-run figures derived from what was measured. */
export function describeRun(run, scenario) {
  if (!run.ok) return run;
  return {
    ...run,
    filesPerSecond: scenario.count / run.wallSeconds,
    mbPerSecond: scenario.totalBytes / 1e6 / run.wallSeconds,
    cpuMsPerFile: (run.cpuSeconds * 1000) / scenario.count,
  };
}

/** Medians of each client's successful runs in a scenario. */
export function scenarioMedians(scenario) {
  const medians = {};
  for (const client of scenario.clients) {
    const ok = scenario.runs.filter((run) => run.client === client.id && run.ok);
    const total = scenario.runs.filter((run) => run.client === client.id).length;
    if (ok.length === 0) {
      medians[client.id] = { runsOk: 0, runs: total };
      continue;
    }
    const of = (name) => median(ok.map((run) => run[name]));
    medians[client.id] = {
      runsOk: ok.length,
      runs: total,
      filesPerSecond: of('filesPerSecond'),
      mbPerSecond: of('mbPerSecond'),
      wallSeconds: of('wallSeconds'),
      cpuSeconds: of('cpuSeconds'),
      cpuMsPerFile: of('cpuMsPerFile'),
      peakRssMiB: median(ok.map((run) => run.peakRssBytes / MiB)),
      serverCpuSeconds: of('serverCpuSeconds'),
      // Hoist through the headless app: how long uploads.add took to answer, and the CPU from that request to the last completion.
      ...(ok.some((run) => run.addSeconds !== undefined)
        ? { addSeconds: of('addSeconds'), cpuMsPerFileDuringUpload: median(ok.map((run) => (run.cpuDuringSeconds * 1000) / scenario.count)) }
        : {}),
    };
  }
  return medians;
}

/** The faster of aws-cli and rclone in a scenario (by files/s, the same order as MB/s on one workload). */

function target(name, actual, needed, unit, atLeast) {
  if (!Number.isFinite(actual) || !Number.isFinite(needed)) return { name, status: 'not measured' };
  const met = atLeast ? actual >= needed : actual <= needed;
  return { name, status: met ? 'met' : 'missed', actual, needed, unit, byPercent: ((actual - needed) / needed) * 100 };
}

/** The issue's targets, for every scenario the run covered (and the ones it did not, as not measured). */
export function evaluateTargets(results) {
  const targets = [];
  for (const mode of results.config.link ? ['direct', 'link'] : ['direct']) {
    const linkScale = results.config.linkScale ?? results.config.scale;
    const through = mode === 'link' ? `, through the link${linkScale !== results.config.scale ? ' (scaled)' : ''}` : '';
    for (const id of ['A', 'B', 'C']) {
      const scenario = results.scenarios.find((candidate) => candidate.workload === id && candidate.mode === mode);
      const hoist = scenario?.medians.hoist;
      const peer = scenario && fasterPeer(scenario);
      const peerName = peer ? ` (${peer.id})` : '';
      if (id === 'C') {
        targets.push(target(`C${through}: MB/s ≥ 1.2 × faster peer${peerName}`, hoist?.mbPerSecond, peer && 1.2 * peer.medians.mbPerSecond, 'MB/s', true));
        if (mode === 'link') targets.push(target(`C${through}: MB/s ≥ 90% of the ${results.config.linkParams.mbitPerSecond} Mbit/s cap`, hoist?.mbPerSecond, capShare(results.config.linkParams), 'MB/s', true));
      } else {
        targets.push(target(`${id}${through}: files/s ≥ 1.2 × faster peer${peerName}`, hoist?.filesPerSecond, peer && 1.2 * peer.medians.filesPerSecond, 'files/s', true));
        targets.push(target(`${id}${through}: CPU per file ≤ aws-cli's`, hoist?.cpuMsPerFile, scenario?.medians['aws-cli']?.cpuMsPerFile, 'CPU ms/file', false));
      }
    }
  }
  return targets;
}

const fixed = (value, digits) => (Number.isFinite(value) ? value.toFixed(digits) : '–');
const sig = (value) => (!Number.isFinite(value) ? '–' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function scenarioTable(scenario, results) {
  const peer = fasterPeer(scenario);
  const lines = [
    `### ${scenario.workload}: ${scenario.label}${scenario.mode === 'link' ? `, through the link` : ''}${scaledNote(scenario, results.config)}`,
    '',
    `${scenario.count.toLocaleString('en-US')} files, ${(scenario.totalBytes / MiB).toFixed(1)} MiB. Medians over the runs that uploaded everything.`,
    '',
    '| client | files/s | MB/s | CPU ms/file | wall s | peak RSS MiB | vs faster peer (files/s) | runs ok | version |',
    '|---|---|---|---|---|---|---|---|---|',
  ];
  for (const client of scenario.clients) {
    const m = scenario.medians[client.id];
    const version = results.versions[client.id] ?? client.status;
    if (!m || !m.runsOk) {
      lines.push(`| ${client.label} | – | – | – | – | – | – | 0/${m?.runs ?? 0} | ${version} |`);
      continue;
    }
    const ratio = peer ? `${(m.filesPerSecond / peer.medians.filesPerSecond).toFixed(2)}×` : '–';
    lines.push(
      `| ${client.label} | ${sig(m.filesPerSecond)} | ${sig(m.mbPerSecond)} | ${fixed(m.cpuMsPerFile, 2)} | ${fixed(m.wallSeconds, 2)} | ${fixed(m.peakRssMiB, 0)} | ${ratio} | ${m.runsOk}/${m.runs} | ${version} |`,
    );
  }
  const hoist = scenario.medians.hoist;
  if (peer && hoist?.runsOk) {
    lines.push(
      '',
      `Hoist ÷ faster peer (${peer.id}): **${(hoist.filesPerSecond / peer.medians.filesPerSecond).toFixed(2)}×** files/s and MB/s, ` +
        `${(hoist.cpuMsPerFile / peer.medians.cpuMsPerFile).toFixed(2)}× CPU per file.`,
    );
  }
  if (hoist?.addSeconds !== undefined) {
    lines.push(
      '',
      `Hoist's \`uploads.add\` request answered after ${fixed(hoist.addSeconds, 2)} s (median) of its ${fixed(hoist.wallSeconds, 2)} s; ` +
        `its CPU from that request to the last completion alone (start-up and shutdown left out): ${fixed(hoist.cpuMsPerFileDuringUpload, 2)} ms/file.`,
    );
  }
  const failures = scenario.runs.filter((run) => !run.ok);
  if (failures.length > 0) {
    lines.push('', 'Failed runs (not counted):', '');
    for (const run of failures) lines.push(`- ${run.client}, rep ${run.rep + 1}: ${(run.error ?? `exit ${run.exitCode}`).split('\n')[0].slice(0, 300)}`);
  }
  return lines.join('\n');
}

/** A scenario smaller than its workload (--scale, --link-scale) says so where its figures are. */
function scaledNote(scenario, config) {
  const scale = scenario.mode === 'link' ? (config.linkScale ?? config.scale) : config.scale;
  return scale === 1 ? '' : ` (scaled: the first ${scenario.count.toLocaleString('en-US')} files, --${scenario.mode === 'link' && config.linkScale !== undefined ? 'link-' : ''}scale ${scale})`;
}

function targetLine(t) {
  if (t.status === 'not measured') return `- ${t.name}: **not measured**`;
  const value = (v) => `${sig(v)} ${t.unit}`;
  const margin = t.status === 'met' ? `${Math.abs(t.byPercent).toFixed(0)}% to spare` : `missed by ${Math.abs(t.byPercent).toFixed(0)}%`;
  return `- ${t.name}: **${t.status}** (Hoist ${value(t.actual)}, target ${value(t.needed)}; ${margin})`;
}

/** docs/benchmarks-folders.md from the saved results. */
export function markdown(results, resultsFile, profile) {
  const { config, machine } = results;
  const when = results.measuredAt.replace('T', ' ').slice(0, 16);
  const scaled = config.scale !== 1 ? `\n\n**A scaled run (--scale ${config.scale}): these are not the issue's workloads and the figures are not the benchmark's.**` : '';
  const link = config.linkParams;
  const sections = [
    '# Benchmarks: folders of many files',
    '',
    `Reproduce: \`${results.command}\``,
    '',
    `Generated by \`npm run bench:folders\` (bench/folders.mjs) on ${when} UTC; raw results (every run, and the medians) in \`${resultsFile}\`.${scaled}`,
    '',
    'Each client uploads the same folder to a local Ceph RGW (bluestore) with 4 transfers in flight, ' +
      `${config.reps} time${config.reps === 1 ? '' : 's'}, the clients in alternating order (forwards, then backwards), every run to a fresh prefix. ` +
      'A run counts only if the listing under its prefix then has every file and every byte; the prefix is emptied after it, off the clock.',
    '',
    '- **files/s**, **MB/s**: files and bytes (10^6) of the folder over the wall time (aws-cli, rclone: process start to exit; Hoist: see below).',
    '- **CPU ms/file**: user + system CPU of the client\'s process tree (GNU time), from its start to its exit, per file.',
    '- **peak RSS**: the largest resident set of the client\'s processes (GNU time `%M`).',
    ...(config.link
      ? [
          `- **through the link**: via a proxy adding ${link.delayMs} ms each way (and the handshake's round trip to each new connection) and capping each direction at ${link.mbitPerSecond} Mbit/s, shared by all connections (bench/folders/link-proxy.mjs).` +
            ((config.linkScale ?? config.scale) !== config.scale ? ` The link scenarios use the first files of each folder only (--link-scale ${config.linkScale}): at ${link.mbitPerSecond} Mbit/s the whole photo folder takes minutes per run.` : ''),
        ]
      : []),
    '',
    '## Targets',
    '',
    ...results.targets.map(targetLine),
    '',
    '## Results',
    '',
    results.scenarios.map((scenario) => scenarioTable(scenario, results)).join('\n\n'),
    '',
    ...whySection(results, profile),
    ...profileSection(profile),
    '## How each client was run',
    '',
    ...Object.entries(results.how).map(([id, how]) => `- ${results.scenarios[0]?.clients.find((client) => client.id === id)?.label ?? id}: ${how}`),
    '',
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; RAM ${machine.ramGiB} GiB`,
    `- OS: ${machine.os}, Linux ${machine.kernel}; Node ${machine.node}`,
    `- S3 server: ${machine.server}`,
    '',
    `Run it: \`npm run bench:folders -- [--workloads A,B,C] [--reps 3] [--scale 1] [--link] [--link-scale 0.1] [--out DIR] [--cache DIR] [--clients aws-cli,rclone,hoist] [--hoist-via auto|cli|headless]\`. The folders are generated once into the cache directory ` +
      '(`~/.cache/hoist-bench/folders`; about 3.8 GiB at full scale) and reused. It starts its own RGW (in `/tmp/hoist-bench-folders-rgw`, port 7680 or the next free one) ' +
      'and stops it at the end. aws-cli and rclone come from Debian: `apt-get install -y awscli rclone`. `--report-only` writes this page again from the saved results.',
    '',
  ];
  return sections.join('\n');
}
