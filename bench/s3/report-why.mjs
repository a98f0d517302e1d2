// "Why": for each missed target, how far it is missed and what the same run's
// figures say about the cause. Written from the figures, so the explanation
// cannot drift from what was measured; a met target needs no paragraph.
const MiB = 2 ** 20;
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : '–');

/** MB/s the machine could reach if its cores did nothing but this client's and the server's work for it. */
function cpuBoundMbPerSecond(medians, cores) {
  const cpuPerGiB = medians.cpuSecondsPerGiB + medians.serverCpuSecondsPerGiB;
  return 2 ** 30 / 1e6 / (cpuPerGiB / cores);
}

function hashingMsPerGiB(profile, config) {
  if (!profile?.threads) return NaN;
  const hashing = profile.threads.reduce((sum, thread) => sum + (thread.ms['hashing (MD5 + SHA-256)'] ?? 0), 0);
  return hashing / (config.fileBytes / 2 ** 30);
}

export function whySection({ rows, targets, profile, hoistOnly, machine, config }) {
  const of = (id) => rows.find((row) => row.id === id)?.medians;
  const missed = (prefix) => targets.find((target) => target.name.startsWith(prefix) && target.status === 'missed');
  const hoist = of('hoist');
  const bare = of('bare-loop');
  const bareMd5 = of('bare-loop-md5');
  const cores = machine.cores ?? 2;
  const paragraphs = [];
  if (!hoist) return '*Hoist did not run: nothing to explain.*';

  const hashMs = hashingMsPerGiB(profile, config);
  const throughput = missed('throughput ≥ 0.9 × bare') ?? missed('throughput ≥ 1.2 × aws-cli');
  if (throughput && bare) {
    paragraphs.push(
      `**Throughput.** Client and server share ${cores} cores here, and both are busy: per GiB, Hoist used ${fixed(hoist.cpuSecondsPerGiB, 2)} CPU s and the server ${fixed(hoist.serverCpuSecondsPerGiB, 2)},` +
        ` so even with both cores always busy Hoist could not pass ${fixed(cpuBoundMbPerSecond(hoist, cores))} MB/s; it reached ${fixed(hoist.mbPerSecond)}.` +
        ` The bare loop needs ${fixed(bare.cpuSecondsPerGiB, 2)} + ${fixed(bare.serverCpuSecondsPerGiB, 2)} CPU s per GiB (bound ${fixed(cpuBoundMbPerSecond(bare, cores))} MB/s; it reached ${fixed(bare.mbPerSecond)}).` +
        ` The difference is the work the bare loop skips: it computes nothing over the bytes, while Hoist must send Content-MD5 with every part (target 1 asks for it) and records a SHA-256 of each part to recognise it on resume:` +
        ` ${fixed(hashMs)} ms of hashing per GiB in the profile, on a core the server needs.` +
        (bareMd5
          ? ` The same bare loop made to read each part and send its Content-MD5 (no state, no SHA-256) reaches ${fixed(bareMd5.mbPerSecond)} MB/s, ${fixed((bareMd5.mbPerSecond / bare.mbPerSecond) * 100)}% of the bare loop;` +
            ` Hoist, with the MD5, the SHA-256 and the state, reaches ${fixed((hoist.mbPerSecond / bareMd5.mbPerSecond) * 100)}% of that.`
          : '') +
        ' What Hoist does about it: the hashing runs on its own thread, reading each part where it lies, so the sockets are fed while it hashes; part buffers are reused; bytes go to the network in 1 MiB steps.' +
        ' The rest would need a machine where the server does not compete for the same two cores, or dropping checks the product requires.',
    );
  }
  const cpu = missed('client CPU per GiB ≤ aws-cli') ?? missed('client CPU per GiB ≤ @aws-sdk');
  if (cpu) {
    paragraphs.push(
      `**CPU per GiB.** Hoist ${fixed(hoist.cpuSecondsPerGiB, 2)} s/GiB, of which about ${fixed(hashMs / 1000, 2)} s is hashing (MD5 for Content-MD5 and SHA-256 for the record), which neither the bare loop nor an SDK without checksums does.` +
        ' Start-up (loading the SDK, opening and checking the state database) is paid once per command and weighs more on small files.',
    );
  }
  const rss = missed('peak RSS');
  const base = hoistOnly?.memoryBaselines;
  if (rss) {
    paragraphs.push(
      `**Memory.** The budget is 64 MiB plus the parts in flight (${config.concurrency} × ${config.partSize / MiB} MiB). Hoist's part data is exactly that: ${config.concurrency} buffers, reused from part to part.` +
        (base && !base.error
          ? ` But Node alone takes ${fixed(base.nodeBytes / MiB)} MiB and Node with the AWS SDK's S3 client ${fixed(base.nodeWithSdkBytes / MiB)} MiB before anything is sent, and Hoist idle (SQLite, its own code) ${fixed(base.hoistTinyUploadBytes / MiB)} MiB:` +
            ` ${fixed(base.hoistTinyUploadBytes / MiB - 64)} MiB over the 64 before the first part.`
          : '') +
        ' The rest is V8\'s young generation growing under the upload\'s garbage (request objects, stream chunks) and the hashing thread\'s own small heap' +
        ' (see "Memory at size" below for the same upload with a small young generation).' +
        ' Meeting the budget would take a lighter S3 client than the AWS SDK, or starting Node with a small young generation (measured below: it does not get under the budget either).',
    );
  }
  const resume = missed('resume to first part');
  if (resume) {
    paragraphs.push(`**Resume.** ${fixed(resume.actual, 2)} s to the first part, over the 1 s target; see the profile of a resume to find where it goes.`);
  }
  const resent = missed('bytes re-sent');
  if (resent) {
    paragraphs.push(`**Crash.** ${fixed(resent.actual)} MiB sent again, over the ${fixed(resent.needed)} MiB bound of the parts in flight.`);
  }
  return paragraphs.length ? paragraphs.join('\n\n') : 'Every target measured here is met.';
}
