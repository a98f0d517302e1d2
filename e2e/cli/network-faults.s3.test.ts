import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import type { ConnectionFault } from '../support/fault-proxy.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

async function uploadThroughProxy(name: string, size: number, decide: (index: number) => ConnectionFault, extraArgs: string[] = []) {
  if (!config.endpoint) throw new Error('the network-fault tests need an explicit endpoint to proxy');
  const proxy = await FaultProxy.start(config.endpoint, decide);
  try {
    const file = join(ws.dir, name);
    await makeRandomFile(file, size);
    const stateDir = join(ws.dir, `state-${name}`);
    const env = { ...cliEnv(config, stateDir), AWS_ENDPOINT_URL: proxy.endpoint };
    const args = ['upload', file, `s3://${ws.bucket}/${name}`, '--part-size', '5MiB', '--concurrency', '2', '--json', ...targetArgs(config), ...extraArgs];
    const run = await runCli(args, env);
    expect(run.code, run.stderr).toBe(0);
    const [result] = jsonOutput<ResultEntry[]>(run);
    expect(await objectDigest(client, ws.bucket, name)).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    return { result: result as ResultEntry, proxy, stderr: run.stderr };
  } finally {
    await proxy.stop();
  }
}

describe('network faults between Hoist and the server', () => {
  it('retries connections reset in the middle of a part body and completes', async () => {
    const size = 6 * PART + 17;
    // The first three connections are cut after 1 MiB of request bytes.
    const { result, proxy, stderr } = await uploadThroughProxy('reset.bin', size, (index) =>
      index < 3 ? { kind: 'reset-after', bytes: MiB } : { kind: 'forward' },
    );
    expect(proxy.connections).toBeGreaterThan(3);
    expect(stderr).toMatch(/retrying/);
    // Only the interrupted attempts were sent twice: each at most one part.
    expect(result.bytesSent - size).toBeLessThanOrEqual(3 * PART);
  });

  it('aborts a stalled request (no bytes moving) and retries it', async () => {
    const size = 3 * PART + 3;
    const { result, stderr } = await uploadThroughProxy('stall.bin', size, (index) => (index < 2 ? { kind: 'stall' } : { kind: 'forward' }), [
      '--stall-timeout',
      '1',
    ]);
    expect(stderr).toMatch(/retrying/);
    expect(result.outcome).toBe('completed');
  });

  it('gives up with a clear message when the server cannot be reached at all', async () => {
    const file = join(ws.dir, 'unreachable.bin');
    await makeRandomFile(file, PART + 1);
    const stateDir = join(ws.dir, 'state-unreachable');
    // A port nothing listens on: every attempt is refused.
    const env = { ...cliEnv(config, stateDir), AWS_ENDPOINT_URL: 'http://127.0.0.1:9' };
    const run = await runCli(['upload', file, `s3://${ws.bucket}/unreachable.bin`, '--max-retries', '2', ...targetArgs(config)], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/connection refused by 127\.0\.0\.1:9\b/);
    expect(run.stderr).not.toMatch(/unexpected error/);
  });
});
