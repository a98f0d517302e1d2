// The parts of docs/benchmarks-folders.md that explain: where Hoist's CPU
// goes on a folder of small files (from bench/results/folders-profile.json,
// written by npm run bench:folders-profile), and, for each missed target, why,
// in sentences made from the run's own figures.
const PEERS = ['aws-cli', 'rclone'];

const pct = (value) => `${Math.round(value * 100)}%`;

export function profileSection(saved) {
  if (!saved) return [];
  const when = saved.at.replace('T', ' ').slice(0, 16);
  // Results from before profiles covered several workloads hold one, at the top level.
  const profiles = saved.profiles ?? [{ ...saved, label: 'workload A' }];
  const lines = [
    "## Where Hoist's CPU goes",
    '',
    `\`${saved.command}\` on ${when} UTC (raw: \`bench/results/folders-profile.json\`), against the test RGW: each folder uploaded once by the CLI under \`node --cpu-prof\`, its main thread's samples summed by where the code lives. ` +
      'Hashing of parts and of files sent whole above 1 MiB runs on the hashing thread, not here; time the main thread spends waiting in a synced SQLite commit counts as SQLite.',
    '',
  ];
  for (const profile of profiles) {
    lines.push(
      `### ${profile.label}`,
      '',
      `${profile.files} files${profile.bytes ? `, ${(profile.bytes / 2 ** 20).toFixed(0)} MiB,` : ''} in ${profile.wallSeconds.toFixed(1)} s; the main thread's samples cover ${profile.profiledMs} ms.`,
      '',
      '| category | ms | ms per file |',
      '|---|---:|---:|',
      ...profile.categories.map((entry) => `| ${entry.name} | ${entry.ms} | ${entry.msPerFile.toFixed(3)} |`),
      '',
    );
    if (profile.commits?.length) {
      lines.push('State database commits (each synced to disk), by the calls that made them:', '', '| calls | ms |', '|---|---:|', ...profile.commits.map((entry) => `| ${entry.calls} | ${entry.ms} |`), '');
    }
  }
  return lines;
}

/**
 * For each scenario where Hoist is not 1.2 × the faster peer: what held every
 * client back, from the run's own figures. The client and the server share
 * the machine's cores, so the sentence turns on how busy those cores were
 * during Hoist's runs (client CPU + server CPU over the wall time): near all of
 * them, the run is CPU-bound and only less CPU per file (client or server)
 * goes faster; with cores to spare, each file's time is mostly waiting (on
 * the server's disk, or on the link), which no client shortens at the same
 * number of requests in flight.
 */
export function whySection(results) {
  const lines = [];
  const cores = results.machine?.cores ?? 2;
  const inFlight = results.config?.concurrency ?? 4;
  for (const scenario of results.scenarios) {
    const hoist = scenario.medians.hoist;
    const peer = fasterPeer(scenario);
    if (!hoist?.filesPerSecond || !peer) continue;
    const ratio = hoist.filesPerSecond / peer.medians.filesPerSecond;
    if (ratio >= 1.2) continue;
    const perFile = (m, seconds) => (seconds * 1000) / (m.filesPerSecond * m.wallSeconds);
    const cpu = (id) => {
      const m = scenario.medians[id];
      if (!Number.isFinite(m?.cpuSeconds)) return undefined;
      return { id, client: perFile(m, m.cpuSeconds), server: Number.isFinite(m.serverCpuSeconds) ? perFile(m, m.serverCpuSeconds) : undefined };
    };
    const clients = Object.keys(scenario.medians).map(cpu).filter(Boolean);
    const busy = Number.isFinite(hoist.serverCpuSeconds) ? (hoist.cpuSeconds + hoist.serverCpuSeconds) / hoist.wallSeconds / cores : undefined;
    const msPerFileInFlight = (inFlight * 1000) / hoist.filesPerSecond;
    const hoistServer = clients.find((entry) => entry.id === 'hoist')?.server;
    const figures =
      `CPU ms per file, client / server: ${clients.map((entry) => `${entry.id} ${entry.client.toFixed(2)} / ${entry.server === undefined ? '–' : entry.server.toFixed(2)}`).join(', ')}.`;
    const limit =
      busy === undefined
        ? ''
        : busy >= 0.9
          ? ` During Hoist's runs the ${cores} cores were ${pct(busy)} busy: the run is CPU-bound, and only less CPU per file, Hoist's own or what its requests cost the server, makes it faster.`
          : ` During Hoist's runs the ${cores} cores were only ${pct(busy)} busy: with ${inFlight} requests in flight, each file took ${msPerFileInFlight.toFixed(1)} ms from request to answer` +
            (hoistServer === undefined ? '' : `, of which the server's CPU was ${hoistServer.toFixed(1)} ms`) +
            (scenario.mode === 'link' ? ': the rest is the link (its round trip and its cap), the same for every client.' : ': the rest is the server waiting (on its disk, its own threads), the same for every client at the same concurrency.');
    lines.push(`- **${scenario.workload}${scenario.mode === 'link' ? ', through the link' : ''}** (${scenario.label}): Hoist reached ${ratio.toFixed(2)} × ${peer.id}'s files per second. ${figures}${limit}`);
  }
  return lines.length ? ['## Why the missed targets are missed', '', ...lines, ''] : [];
}

/** The peer with the most files per second in a scenario. */
export function fasterPeer(scenario) {
  const measured = PEERS.map((id) => ({ id, medians: scenario.medians[id] })).filter((peer) => Number.isFinite(peer.medians?.filesPerSecond));
  return measured.sort((a, b) => b.medians.filesPerSecond - a.medians.filesPerSecond)[0];
}
