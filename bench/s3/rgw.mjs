// Starts and stops the benchmark's own Ceph RGW (bluestore, in a private
// directory), so a benchmark never shares a server with a test run and its
// multi-GiB writes land in a sparse file, not in RAM as with memstore.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RGW_DIR = process.env.HOIST_BENCH_RGW_DIR ?? '/tmp/hoist-bench-rgw';

function server(root, args) {
  return spawnSync('bash', [join(root, 'scripts', 's3-test-server.sh'), ...args], {
    env: { ...process.env, HOIST_S3_TEST_DIR: RGW_DIR },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

/** Starts RGW on a bluestore of `sizeBytes` (sparse) and returns its endpoint and keys. */
export function startRgw(root, sizeBytes) {
  const result = server(root, ['start', '--objectstore', 'bluestore', '--size', String(sizeBytes)]);
  if (result.status !== 0) throw new Error(`s3-test-server.sh start failed (exit ${result.status})`);
  const env = Object.fromEntries([...result.stdout.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
  return {
    endpoint: env.HOIST_TEST_S3_ENDPOINT,
    region: env.HOIST_TEST_S3_REGION,
    accessKeyId: env.HOIST_TEST_S3_ACCESS_KEY_ID,
    secretAccessKey: env.HOIST_TEST_S3_SECRET_ACCESS_KEY,
  };
}

export function stopRgw(root) {
  server(root, ['stop']);
}

/** CPU ticks (user + system) used so far by the rgw and osd daemons: the server's share of each run. */
export function serverCpuTicks() {
  let ticks = 0;
  for (const name of ['rgw', 'osd']) {
    try {
      const pid = readFileSync(join(RGW_DIR, `${name}.pid`), 'utf8').trim();
      // Fields after the command name (which may contain spaces) start at field 3; utime and stime are 14 and 15.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // A daemon that is gone simply contributes nothing; the run itself will fail visibly.
    }
  }
  return ticks;
}
