// Medians per scenario, the folder issue's resume and scale targets met or
// missed, and the page made from the saved results alone (`--report-only`
// makes it again byte for byte, so its wording can change without measuring).
import { median } from '../s3/summary.mjs';

const MiB = 2 ** 20;
/** Run fields that are not figures. */
const NOT_FIGURES = new Set(['ok', 'rep', 'error', 'hoistSays', 'stateAtVisible', 'filesSentAgainExamples']);

/** Medians of every figure over a scenario's successful runs, and the worst (largest) count of files sent again. */
export function scenarioMedians(scenario) {
  const ok = scenario.runs.filter((run) => run.ok);
  const medians = { runsOk: ok.length, runs: scenario.runs.length };
  for (const name of new Set(ok.flatMap(Object.keys))) {
    if (!NOT_FIGURES.has(name) && typeof ok[0][name] === 'number') medians[name] = median(ok.map((run) => run[name]));
  }
  if (ok.some((run) => run.filesSentAgain !== undefined)) medians.filesSentAgainWorst = Math.max(...ok.map((run) => run.filesSentAgain));
  return medians;
}

function target(name, actual, needed, unit, strict) {
  if (!Number.isFinite(actual) || !Number.isFinite(needed)) return { name, status: 'not measured' };
  const met = strict ? actual < needed : actual <= needed;
  return { name, status: met ? 'met' : 'missed', actual, needed, unit, strict };
}

/** The targets from the medians (files sent again: the worst run, since the promise is "never more"). */
export function evaluateTargets(results) {
  const { scenarios: s, config } = results;
  const m = (id) => s[id]?.medians ?? {};
  const n = config.files.toLocaleString('en-US');
  const rssLimit = m('single').peakRssBytes / MiB + 32;
  return [
    target(`(4) A, SIGKILL at 50 % then \`resume\`: files sent again ≤ the concurrency (${config.concurrency}; worst run)`, m('resumeA').filesSentAgainWorst, config.concurrency, 'files', false),
    target('(4) A: `resume` to the first byte at the server < 1 s', m('resumeA').resumeFirstByteSeconds, 1, 's', true),
    target(`(a) ${n} files: the app's add returns within 2 s with the folder's entry listed`, m('headlessAdd').visibleSeconds, 2, 's', false),
    target(`(b) ${n} files: peak RSS ≤ one ${config.singleMiB} MiB file's + 32 MiB`, m('scaleFull').peakRssBytes / MiB, rssLimit, 'MiB', false),
    target(`(c) ${n}-file state database: \`resume\` to the first byte < 2 s`, m('scaleResume').resumeFirstByteSeconds, 2, 's', true),
  ];
}

const sig = (value) => (!Number.isFinite(value) ? '–' : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2));
const mib = (bytes) => (Number.isFinite(bytes) ? (bytes / MiB).toFixed(0) : '–');
const int = (value) => (Number.isFinite(value) ? value.toLocaleString('en-US') : '–');

function targetLine(t) {
  if (t.status === 'not measured') return `- ${t.name}: **not measured**`;
  const show = (value) => (t.unit === 'files' ? `${int(value)} files` : `${sig(value)} ${t.unit}`);
  return `- ${t.name}: **${t.status}** (Hoist ${show(t.actual)}, target ${t.strict ? '<' : '≤'} ${show(t.needed)})`;
}

/** A table of a scenario's runs (columns: [heading, run → cell]) and its median row. */
function table(scenario, columns) {
  const lines = [`| run | ${columns.map(([heading]) => heading).join(' | ')} |`, `|---|${columns.map(() => '---').join('|')}|`];
  for (const run of scenario.runs) lines.push(run.ok ? `| ${run.rep + 1} | ${columns.map(([, cell]) => cell(run)).join(' | ')} |` : `| ${run.rep + 1} | failed: ${run.error.split('\n')[0].slice(0, 200)} |${' |'.repeat(columns.length - 1)}`);
  if (scenario.medians.runsOk > 1) lines.push(`| median | ${columns.map(([, cell]) => cell(scenario.medians)).join(' | ')} |`);
  lines.push('', `${scenario.medians.runsOk} of ${scenario.medians.runs} runs counted.`);
  return lines;
}

const sentAgainColumns = [
  ['killed after s', (r) => sig(r.killedAfterSeconds)],
  ['accepted at the kill', (r) => int(r.acceptedAtKill)],
  ['on their way at the kill', (r) => int(r.onTheirWayAtKill)],
  ['resume to first request s', (r) => sig(r.resumeFirstRequestSeconds)],
  ['**resume to first byte s**', (r) => sig(r.resumeFirstByteSeconds)],
  ['ListObjectsV2 pages before it', (r) => int(r.listPagesBeforeFirstByte)],
  ['**files sent again**', (r) => int(r.filesSentAgain)],
  ['started before, PUT again', (r) => int(r.filesStartedBeforeAndSentAgain)],
  ['resume wall s', (r) => sig(r.resumeWallSeconds)],
  ['resume peak RSS MiB', (r) => mib(r.resumePeakRssBytes)],
];

const plural = (count, word) => `${int(count)} ${word}${count === 1 ? '' : 's'}`;

/**
 * For a missed time-to-first-byte target, where the resume's time went: until
 * its first request (node's start, the state database), then the requests
 * before its first PUT. The listing pages are compared with the pages of 1,000
 * keys the objects already sent fill: the resume reads the prefix from its
 * first key on (seen in the proxy's request log), so that part grows with the
 * files already sent, however few are left.
 */
function whyLines(results) {
  const lines = [];
  for (const [id, name] of [['resumeA', '(4) A'], ['scaleResume', '(c)']]) {
    const t = results.targets.find((candidate) => candidate.name.startsWith(name) && candidate.unit === 's');
    const m = results.scenarios[id].medians;
    if (t?.status !== 'missed' || !Number.isFinite(m.listPagesBeforeFirstByte)) continue;
    const pagesSent = Math.ceil(m.acceptedAtKill / 1000);
    lines.push(
      `- **${name}** (medians): the resume's first request reached the server after ${sig(m.resumeFirstRequestSeconds)} s (node's start-up, the state database), ` +
        `its first PUT after ${sig(m.resumeFirstByteSeconds)} s. In between it read ${plural(m.listPagesBeforeFirstByte, 'ListObjectsV2 page')} of the prefix, ` +
        `from its first key on, while the ${int(m.acceptedAtKill)} objects already sent fill ${plural(pagesSent, 'page')} of 1,000 keys: ` +
        'that part of the wait grows with the files already sent, however few are left.',
    );
  }
  return lines.length > 0 ? ['## Why the missed targets are missed', '', ...lines, ''] : [];
}

/** docs/benchmarks-folders-resume.md from the saved results. */
export function markdown(results, resultsFile) {
  const { config, machine, scenarios: s } = results;
  const when = results.measuredAt.replace('T', ' ').slice(0, 16);
  const n = config.files.toLocaleString('en-US');
  const scaled = config.files !== 100_000 ? `\n\n**A scaled run (--files ${config.files}): the issue's scale targets are set for 100,000 files; these figures are not the benchmark's.**` : '';
  return [
    '# Benchmarks: resuming folders, and a folder of 100,000 files',
    '',
    `Reproduce: \`${results.command}\``,
    '',
    `Generated by \`npm run bench:folders-resume\` (bench/folders-resume.mjs) on ${when} UTC at commit \`${results.commit}\`; every run and the medians in \`${resultsFile}\`. ` +
      `It took ${sig(results.durationMinutes)} minutes.${scaled}`,
    '',
    `Hoist's CLI bundle (\`dist/cli/hoist.mjs\`, ${config.concurrency} in flight, ${config.partSize / MiB} MiB parts) and its headless app upload to a local Ceph RGW (bluestore) ` +
      'through a proxy that reads every request and answer (bench/folders-resume/counting-proxy.mjs): each PutObject and UploadPart with its key and the status the server answered. ' +
      'Every run has its own bucket and a fresh state directory, warmed by a two-file upload off the clock (the first upload to a bucket probes the server). ' +
      `Each scenario ran ${config.reps} time${config.reps === 1 ? '' : 's'}; a run counts only if, at its end, the listing under its prefix is the folder (every name and size) and no multipart upload is left.`,
    '',
    '- **SIGKILL at 50 %**: the CLI\'s node process is killed the moment the server has answered 2xx to half the folder\'s PUTs; a second later `hoist resume` is started with the same state directory.',
    '- **to first byte**: from starting the process to the first PutObject/UploadPart request head reaching the proxy (node\'s own start-up included).',
    '- **files sent again**: files the server had accepted before the resume that the resume PUT again, plus files the resume PUT more than once. ' +
      '*started before, PUT again* also counts the files whose PUT the kill cut off (never accepted), which any client must send again.',
    '- **peak RSS**: GNU time `%M` of the node process.',
    '',
    '## Targets',
    '',
    ...results.targets.map(targetLine),
    `- (c), for information: files sent again after the ${n}-file upload was killed at 50 %: ${int(s.scaleResume.medians.filesSentAgainWorst)} (worst run).`,
    '',
    '## Results',
    '',
    `### (4) Workload A (${s.resumeA.label}): SIGKILL at 50 %, then \`resume\``,
    '',
    ...table(s.resumeA, sentAgainColumns),
    '',
    `### (a) ${n} × 1 KiB added in the headless app`,
    '',
    '`uploads.add` with `folderMode: "files"` (Folders as: one object per file), timed from the request: its answer, the folder\'s row in `folders.list` (polled every 10 ms after the answer), ' +
      'the first `folders.changed` event naming it, and the first file\'s PUT at the server. The app is stopped after that.',
    '',
    ...table(s.headlessAdd, [
      ['add answered s', (r) => sig(r.addSeconds)],
      ['**row listed s**', (r) => sig(r.visibleSeconds)],
      ['folders.changed s', (r) => sig(r.eventSeconds)],
      ['first byte s', (r) => sig(r.firstByteSeconds)],
      ['files in the row when listed', (r) => int(r.filesListedAtVisible)],
    ]),
    '',
    `### (a, b) ${n} × 1 KiB with the CLI, start to end`,
    '',
    'On a pseudo-terminal (util-linux `script`), since the CLI draws its folder progress line (every 500 ms) only on a terminal.',
    '',
    ...table(s.scaleFull, [
      ['first progress line s', (r) => sig(r.firstProgressSeconds)],
      ['first byte s', (r) => sig(r.firstByteSeconds)],
      ['wall s', (r) => sig(r.wallSeconds)],
      ['files/s', (r) => sig(r.filesPerSecond)],
      ['CPU s', (r) => sig(r.cpuSeconds)],
      ['**peak RSS MiB**', (r) => mib(r.peakRssBytes)],
    ]),
    '',
    `### (b) The single-file figure: ${s.single.label} with the CLI`,
    '',
    ...table(s.single, [
      ['wall s', (r) => sig(r.wallSeconds)],
      ['MB/s', (r) => sig(r.mbPerSecond)],
      ['CPU s', (r) => sig(r.cpuSeconds)],
      ['**peak RSS MiB**', (r) => mib(r.peakRssBytes)],
    ]),
    '',
    `### (c) ${n} × 1 KiB: SIGKILL at 50 %, then \`resume\``,
    '',
    ...table(s.scaleResume, [...sentAgainColumns, ['killed run peak RSS MiB', (r) => mib(r.killedPeakRssBytes)]]),
    '',
    ...whyLines(results),
    '## Machine',
    '',
    `- CPU: ${machine.cpu}, ${machine.cores} cores; RAM ${machine.ramGiB} GiB`,
    `- OS: ${machine.os}, Linux ${machine.kernel}; Node ${machine.node}`,
    `- S3 server: ${machine.server}`,
    `- Load average (1 min) when the run started and ended: ${results.loadAverage.map((load) => load.toFixed(1)).join(', ')} (on ${machine.cores} cores: above ${machine.cores}, work waited for them, this benchmark's and other work's)`,
    '',
    'Run it: `npm run bench:folders-resume -- [--reps 2] [--files 100000] [--single-mib 512] [--out DIR] [--cache DIR]`. The folders are generated once into the cache directory ' +
      '(`~/.cache/hoist-bench/folders`, shared with `npm run bench:folders`) and reused. It starts its own RGW (in `/tmp/hoist-bench-folders-resume-rgw`, port 7880 or the next free one, ' +
      'so it can run beside `npm run bench:folders`) and stops it at the end. `--report-only` writes this page again from the saved results.',
    '',
  ].join('\n');
}
