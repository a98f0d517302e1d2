import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, runCli, targetArgs } from '../support/cli-runner.ts';
import { describePlan, runKillable } from '../support/crash-run.ts';
import type { KillPlan } from '../support/crash-run.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { entries, localListing, makeFolder, objectSends, serverListing } from '../support/folder-fixture.ts';
import { recordFigure } from '../support/reliability-figures.ts';
import { listUnfinishedUploads, useTestWorkspace } from '../support/s3-fixture.ts';

// A folder upload killed for real (SIGKILL, from inside at a named point or
// from outside at a moment), then resumed: the listing under the prefix must
// equal the folder, nothing may be left unfinished on the server, and no file
// may go out twice unless it was on its way when the process died (at most
// the concurrency: 4 small files, or one part in flight per slot).

const MiB = 1024 * 1024;
const CONCURRENCY = 4;
const ws = useTestWorkspace();
const { config, client } = ws;
let proxy: FaultProxy;

beforeAll(async () => {
  if (!config.endpoint) throw new Error('these tests count requests through a proxy in front of the test server');
  proxy = await FaultProxy.startHttp(config.endpoint, () => ({ kind: 'forward' }));
});

afterAll(async () => {
  await proxy?.stop();
});

/** 490 small files of 1-20 KB in 7 folders, and 10 files of 6-11 MiB sent in 5 MiB parts. */
function folderOf500(root: string): string {
  const files: Record<string, number> = {};
  for (let i = 0; i < 490; i += 1) files[`dir${i % 7}/small-${String(i).padStart(3, '0')}.bin`] = 1024 + ((i * 389) % 19_456);
  for (let i = 0; i < 10; i += 1) files[`large/big-${i}.bin`] = 10 * MiB + i * 512 * 1024 + 3;
  return makeFolder(root, files);
}

/** PutObject requests per key, and UploadPart requests per key and part, through the proxy since `from`. */
const sends = (from: number) => objectSends(proxy.requests, from);

const PLANS: KillPlan[] = [
  { kind: 'crash-at', point: 'folder-page-begun:2' },
  { kind: 'crash-at', point: 'folder-files-done:3' },
  { kind: 'crash-at', point: 'part-recorded:2' },
  { kind: 'outside', afterMs: 1500 },
];

describe('a folder upload killed at any moment resumes to the exact folder', () => {
  it.each(PLANS.map((plan) => [describePlan(plan), plan] as const))('%s', async (name, plan) => {
    const slug = name.replace(/\W+/g, '-');
    const root = folderOf500(join(ws.dir, `folder-${slug}`));
    const prefix = `${slug}/`;
    const stateDir = join(ws.dir, `state-${slug}`);
    const args = [...targetArgs(config), '--endpoint', proxy.endpoint, '--concurrency', String(CONCURRENCY), '--part-size', '5MiB'];
    const env = cliEnv(config, stateDir, { AWS_ENDPOINT_URL: proxy.endpoint });
    const from = proxy.requests.length;

    const first = await runKillable(['upload', root, `s3://${ws.bucket}/${prefix}`, ...args], env, plan);
    expect(first.killed, first.run.stderr).toBe(true);
    const resumed = await runCli(['resume', ...args], env);

    const listed = entries(await serverListing(client, ws.bucket, prefix));
    const local = entries(localListing(root));
    const leftover = await listUnfinishedUploads(client, ws.bucket);
    // Sent twice: only what was on its way when the process died.
    const twice = [...sends(from)].filter(([, count]) => count > 1);
    recordFigure('folder-crash', {
      kill: name,
      files: local.length,
      resumeExit: resumed.code,
      listingEqual: JSON.stringify(listed) === JSON.stringify(local),
      leftoverUploads: leftover.length,
      sentTwice: twice.length,
      concurrency: CONCURRENCY,
      integrity: integrityCheck(stateDir),
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/completed folder/);
    expect(listed).toEqual(local);
    expect(leftover).toEqual([]);
    expect(twice.length, JSON.stringify(twice)).toBeLessThanOrEqual(CONCURRENCY);
    expect(twice.every(([, count]) => count === 2), JSON.stringify(twice)).toBe(true);
    expect(integrityCheck(stateDir)).toBe('ok');
  });
});
