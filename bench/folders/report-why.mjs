// The parts of docs/benchmarks-folders.md that explain: where Hoist's CPU
// goes on a folder of small files (from bench/results/folders-profile.json,
// written by npm run bench:folders-profile), and, for each missed target, why,
// in sentences made from the run's own figures.
import { planWorkload } from './workloads.mjs';

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
 * For each scenario where Hoist is not 1.2 × the faster peer: what held it
 * back, from the run's own figures, in the first of these that applies.
 * Through the link, a peer already near the link's cap leaves no room for
 * anyone to be 1.2 × faster. The client and the server share the machine's
 * cores, so next the sentence turns on how busy those cores were during
 * Hoist's runs (client CPU + server CPU over the wall time): busy, and Hoist
 * costing more CPU per file (its own or the server's) than the peer, that
 * difference is the speed lost, and the profile of the same workload (if
 * one was made) says where Hoist's goes; busy otherwise, the run is
 * CPU-bound; with cores to spare, each file's time is mostly waiting (on the
 * server's disk, or on the link), which no client shortens at the same
 * number of requests in flight.
 */
export function whySection(results, savedProfile) {
  const lines = [];
  const cores = results.machine?.cores ?? 2;
  const inFlight = results.config?.concurrency ?? 4;
  for (const scenario of results.scenarios) {
    const hoist = scenario.medians.hoist;
    const peer = fasterPeer(scenario);
    if (!hoist?.filesPerSecond || !peer) continue;
    const ratio = hoist.filesPerSecond / peer.medians.filesPerSecond;
    if (ratio >= 1.2) continue;
    const cpu = (id) => {
      const m = scenario.medians[id];
      if (!Number.isFinite(m?.cpuSeconds)) return undefined;
      const perFile = (seconds) => (seconds * 1000) / (m.filesPerSecond * m.wallSeconds);
      return { id, client: perFile(m.cpuSeconds), server: Number.isFinite(m.serverCpuSeconds) ? perFile(m.serverCpuSeconds) : undefined };
    };
    const clients = Object.keys(scenario.medians).map(cpu).filter(Boolean);
    const mine = clients.find((entry) => entry.id === 'hoist');
    const theirs = clients.find((entry) => entry.id === peer.id);
    const figures = `CPU ms per file, client / server: ${clients.map((entry) => `${entry.id} ${entry.client.toFixed(2)} / ${entry.server === undefined ? '–' : entry.server.toFixed(2)}`).join(', ')}.`;
    const busy = Number.isFinite(hoist.serverCpuSeconds) ? (hoist.cpuSeconds + hoist.serverCpuSeconds) / hoist.wallSeconds / cores : undefined;
    const capMBps = results.config?.linkParams ? results.config.linkParams.mbitPerSecond / 8 : undefined;
    const costlier = mine?.server !== undefined && theirs?.server !== undefined && mine.client + mine.server > theirs.client + theirs.server;
    let limit = '';
    if (scenario.mode === 'link' && capMBps && peer.medians.mbPerSecond >= 0.9 * capMBps) {
      limit = ` ${peer.id} already moved ${pct(peer.medians.mbPerSecond / capMBps)} of the link's ${results.config.linkParams.mbitPerSecond} Mbit/s (Hoist ${pct(hoist.mbPerSecond / capMBps)}): the cap, not a client, decides, and no client can be 1.2 × faster than one at the cap.`;
    } else if (busy !== undefined && busy >= 0.8 && costlier) {
      limit =
        ` During Hoist's runs the ${cores} cores were ${pct(busy)} busy, and each file cost ${(mine.client + mine.server).toFixed(1)} ms of CPU in all against ${(theirs.client + theirs.server).toFixed(1)} for ${peer.id} ` +
        `(server ${mine.server.toFixed(1)} against ${theirs.server.toFixed(1)}${hasPartSizedFiles(scenario.workload, results.config?.partSize) ? `; files of at least the part size go as multipart uploads, which cost the server more than ${peer.id}'s one PutObject each` : ''})` +
        `: on shared cores that difference is the speed lost.${profileHint(savedProfile, scenario.workload)}`;
    } else if (busy !== undefined && busy >= 0.9) {
      limit = ` During Hoist's runs the ${cores} cores were ${pct(busy)} busy: the run is CPU-bound, and only less CPU per file, Hoist's own or what its requests cost the server, makes it faster.`;
    } else if (busy !== undefined) {
      limit =
        ` During Hoist's runs the ${cores} cores were only ${pct(busy)} busy: with ${inFlight} requests in flight, each file took ${((inFlight * 1000) / hoist.filesPerSecond).toFixed(1)} ms from request to answer` +
        (mine?.server === undefined ? '' : `, of which the server's CPU was ${mine.server.toFixed(1)} ms`) +
        (scenario.mode === 'link' ? ': the rest is the link (its round trip and its cap), the same for every client.' : ': the rest is the server waiting (on its disk, its own threads), the same for every client at the same concurrency.');
    }
    lines.push(`- **${scenario.workload}${scenario.mode === 'link' ? ', through the link' : ''}** (${scenario.label}): Hoist reached ${ratio.toFixed(2)} × ${peer.id}'s files and bytes per second. ${figures}${limit}`);
  }
  return lines.length ? ['## Why the missed targets are missed', '', ...lines, ''] : [];
}

/** Whether the workload has files that Hoist sends as multipart uploads (at least the part size). */
function hasPartSizedFiles(workload, partSize) {
  return partSize !== undefined && planWorkload(workload, 1).files.some((file) => file.size >= partSize);
}

/** Where the profile of the same workload says Hoist's main thread went, besides waiting: its three largest shares. */
function profileHint(saved, workload) {
  const profile = saved?.profiles?.find((entry) => entry.workload === workload);
  if (!profile) return '';
  const busiest = profile.categories.filter((entry) => !entry.name.startsWith('idle')).slice(0, 3);
  return ` Its profile (below) puts the main thread's time first in ${busiest.map((entry) => `${entry.name.split(' (')[0]} (${entry.msPerFile.toFixed(1)} ms per file)`).join(', ')}.`;
}

/** The peer with the most files per second in a scenario. */
export function fasterPeer(scenario) {
  const measured = PEERS.map((id) => ({ id, medians: scenario.medians[id] })).filter((peer) => Number.isFinite(peer.medians?.filesPerSecond));
  return measured.sort((a, b) => b.medians.filesPerSecond - a.medians.filesPerSecond)[0];
}
