// Medians over the repetitions, ratios to Hoist, and the targets with how far
// each one is met or missed. Medians, because one slow run (a GC pass in the
// server, another engineer's test) should not move the result.
const MiB = 1024 * 1024;

export const median = (values) => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Per client: medians of MB/s (10^6 bytes), wall s, client CPU s per GiB, peak RSS MiB, server CPU s per GiB. */
export function summarize(fileBytes, clientResults) {
  const gib = fileBytes / 2 ** 30;
  const rows = clientResults.map((client) => {
    const ok = client.runs.filter((run) => run.ok);
    if (client.status !== 'measured' || ok.length === 0) return { ...client, medians: undefined };
    return {
      ...client,
      medians: {
        mbPerSecond: median(ok.map((run) => fileBytes / 1e6 / run.wallSeconds)),
        wallSeconds: median(ok.map((run) => run.wallSeconds)),
        cpuSecondsPerGiB: median(ok.map((run) => run.cpuSeconds / gib)),
        peakRssMiB: median(ok.map((run) => run.peakRssBytes / MiB)),
        serverCpuSecondsPerGiB: median(ok.map((run) => run.serverCpuSeconds / gib)),
      },
    };
  });
  const hoist = rows.find((row) => row.id === 'hoist')?.medians;
  for (const row of rows) {
    if (!row.medians || !hoist) continue;
    row.ratiosToHoist = Object.fromEntries(Object.entries(row.medians).map(([name, value]) => [name, value / hoist[name]]));
  }
  return { rows, targets: evaluateTargets(rows) };
}

function evaluateTargets(rows) {
  const of = (id) => rows.find((row) => row.id === id)?.medians;
  const hoist = of('hoist');
  const targets = [];
  const atLeast = (name, actual, needed, unit) => {
    if (actual === undefined || needed === undefined) return targets.push({ name, status: 'not measured' });
    const met = actual >= needed;
    targets.push({ name, status: met ? 'met' : 'missed', actual, needed, unit, byPercent: ((actual - needed) / needed) * 100 });
  };
  const atMost = (...args) => targets.push(atMostTarget(...args));
  atLeast('throughput ≥ 1.2 × aws-cli', hoist?.mbPerSecond, of('aws-cli') && of('aws-cli').mbPerSecond * 1.2, 'MB/s');
  atLeast('throughput ≥ 0.9 × bare UploadPart loop', hoist?.mbPerSecond, of('bare-loop') && of('bare-loop').mbPerSecond * 0.9, 'MB/s');
  atMost('client CPU per GiB ≤ aws-cli', hoist?.cpuSecondsPerGiB, of('aws-cli')?.cpuSecondsPerGiB, 'CPU s/GiB');
  atMost('client CPU per GiB ≤ @aws-sdk/lib-storage', hoist?.cpuSecondsPerGiB, of('lib-storage')?.cpuSecondsPerGiB, 'CPU s/GiB');
  // The budget: a Node process's own footprint plus the parts in flight (4 × 8 MiB).
  atMost('peak RSS ≤ 64 MiB + 4 × 8 MiB', hoist?.peakRssMiB, hoist ? RSS_BUDGET_MIB : undefined, 'MiB');
  return targets;
}

const RSS_BUDGET_MIB = 64 + 4 * 8;

/** A target `actual` must not exceed; "not measured" (with `why`, if given) when either figure is missing. */
export function atMostTarget(name, actual, limit, unit, why) {
  if (!Number.isFinite(actual) || !Number.isFinite(limit)) return { name, status: 'not measured', ...(why ? { why } : {}) };
  return { name, status: actual <= limit ? 'met' : 'missed', actual, needed: limit, unit, byPercent: ((actual - limit) / limit) * 100 };
}

const checkTarget = (name, actual, limit, unit) => atMostTarget(name, actual, limit, unit, 'its measurement failed: see below');

/** The targets only Hoist's own measurements can check (see hoist-only.mjs). */
export function hoistOnlyTargets(hoistOnly, config) {
  const bound = (config.concurrency * config.partSize) / MiB;
  const resent = hoistOnly?.resentAfterKill;
  const resume = hoistOnly?.resumeToFirstPart;
  const rss = hoistOnly?.rss;
  const gib = config.bigFileBytes / 2 ** 30;
  return [
    checkTarget(`bytes re-sent after SIGKILL at 50% ≤ ${config.concurrency} × ${config.partSize / MiB} MiB`, resent?.resentBytes / MiB, bound, 'MiB'),
    checkTarget('resume to first part on the wire < 1 s, 10,000 parts recorded', resume?.medianSeconds, 1, 's'),
    checkTarget(`peak RSS for a ${gib} GiB file ≤ 64 MiB + 4 × 8 MiB`, rss?.peakRssBytes / MiB, RSS_BUDGET_MIB, 'MiB'),
  ];
}
