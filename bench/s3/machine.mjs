// What the figures were measured on: throughput here depends as much on the
// machine (the server shares its cores with the client) as on the client.
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

function osName() {
  try {
    return /^PRETTY_NAME="?([^"\n]*)/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function describeMachine() {
  const ceph = spawnSync('ceph', ['--version'], { encoding: 'utf8' }).stdout?.trim().split(' ').slice(0, 3).join(' ');
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round(totalmem() / 2 ** 30),
    os: osName(),
    kernel: spawnSync('uname', ['-r'], { encoding: 'utf8' }).stdout.trim(),
    node: process.version,
    server: `${ceph || 'ceph'} radosgw, bluestore, one OSD, on the same machine`,
  };
}
