import { join } from 'node:path';
import { expect } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from './cli-runner.ts';
import type { CliRun, ResultEntry, StatusEntry } from './cli-runner.ts';
import { FaultProxy } from './fault-proxy.ts';
import type { HttpProxyOptions, ProxiedRequest, RequestFault } from './fault-proxy.ts';
import { fileDigest, makeRandomFile } from './files.ts';
import { recordFigure } from './reliability-figures.ts';
import { listUnfinishedUploads, objectDigest, objectExists } from './s3-fixture.ts';
import type { TestWorkspace } from './s3-fixture.ts';

export const MiB = 1024 * 1024;
export const PART = 5 * MiB;

/** A request carrying one of the file's parts (the capability probe's parts are a few dozen bytes). */
export function isDataPart(request: ProxiedRequest): boolean {
  return request.operation === 'UploadPart' && request.bodyLength > 64 * 1024;
}

/** What one upload through the faulty proxy came to: the figures of the reliability document. */
export interface TortureOutcome {
  scenario: string;
  name: string;
  run: CliRun;
  result: ResultEntry | undefined;
  size: number;
  identical: boolean;
  leftoverUploads: number;
  faults: number;
  /** Injected faults on UploadPart requests: each may cost that part once more (the probe's tiny parts are not counted as sent). */
  faultsOnParts: number;
  requests: number;
  seconds: number;
  proxy: FaultProxy;
}

export interface TortureRun {
  scenario: string;
  /** The object key and local file name. */
  name: string;
  size: number;
  decide: (request: ProxiedRequest) => RequestFault;
  proxyOptions?: HttpProxyOptions;
  /** Extra CLI flags (after the usual --part-size 5MiB --concurrency 2 --json). */
  args?: string[];
  /** Continues an earlier run's state (and file) instead of starting a new one. */
  command?: 'upload' | 'resume';
  /**
   * A proxy to use and leave running (its plan then ignores `decide`): `resume`
   * goes to the endpoint recorded with the upload, so the runs of one upload
   * share one proxy.
   */
  proxy?: FaultProxy;
}

/** Uploads a random file of `size` bytes with the CLI through a fault-injecting proxy in front of the real server, and measures the outcome. */
export async function uploadThroughFaults(ws: TestWorkspace, spec: TortureRun): Promise<TortureOutcome> {
  const { config, client } = ws;
  if (!config.endpoint) throw new Error('the network-fault tests need an explicit endpoint to proxy');
  const proxy = spec.proxy ?? (await FaultProxy.startHttp(config.endpoint, spec.decide, spec.proxyOptions));
  try {
    const file = join(ws.dir, spec.name);
    if ((spec.command ?? 'upload') === 'upload') await makeRandomFile(file, spec.size);
    const env = { ...cliEnv(config, stateDirOf(ws, spec.name)), AWS_ENDPOINT_URL: proxy.endpoint };
    const common = ['--concurrency', '2', '--json', ...targetArgs(config), ...(spec.args ?? [])];
    const args = spec.command === 'resume' ? ['resume', ...common] : ['upload', file, `s3://${ws.bucket}/${spec.name}`, '--part-size', '5MiB', ...common];
    const started = performance.now();
    const run = await runCli(args, env);
    const seconds = (performance.now() - started) / 1000;
    const result = run.code === 0 || run.code === 1 ? jsonOutput<ResultEntry[]>(run)[0] : undefined;
    const exists = await objectExists(client, ws.bucket, spec.name);
    const identical = exists && JSON.stringify(await objectDigest(client, ws.bucket, spec.name)) === JSON.stringify(await fileDigest(file));
    const leftoverUploads = (await listUnfinishedUploads(client, ws.bucket)).filter((upload) => upload.key === spec.name).length;
    return {
      scenario: spec.scenario,
      name: spec.name,
      run,
      result,
      size: spec.size,
      identical,
      leftoverUploads,
      faults: proxy.faults.length,
      faultsOnParts: proxy.faults.filter((fault) => fault.request.operation === 'UploadPart').length,
      requests: proxy.requests.length,
      seconds,
      proxy,
    };
  } finally {
    if (!spec.proxy) await proxy.stop();
  }
}

/** Every request through the proxy and the fault it got: what to read when a scenario fails. */
export function requestLog(outcome: TortureOutcome): string {
  const faults = new Map(outcome.proxy.faults.map((fault) => [fault.request.index, fault]));
  return outcome.proxy.requests
    .map((request) => {
      const fault = faults.get(request.index);
      const what = fault ? ` <- ${JSON.stringify(fault.fault)}${fault.upstreamStatus ? ` (server said ${fault.upstreamStatus})` : ''}` : '';
      return `  #${request.index} conn ${request.connection} ${request.operation} ${request.bodyLength} B${what}`;
    })
    .join('\n');
}

export function stateDirOf(ws: TestWorkspace, name: string): string {
  return join(ws.dir, `state-${name}`);
}

/**
 * The promise every scenario must keep: the CLI exits 0, the object is the
 * file byte for byte, no multipart upload is left on the server, the state
 * database counts every part exactly once, and the bytes sent stay within the
 * file plus one part per fault that hit a part.
 */
export async function expectCompletedIntact(ws: TestWorkspace, outcome: TortureOutcome): Promise<void> {
  const { run, result } = outcome;
  if (process.env.HOIST_TORTURE_DEBUG) console.log(`${requestLog(outcome)}\n${run.stderr}`);
  expect(run.code, `${outcome.scenario}\n${run.stderr}\n${requestLog(outcome)}`).toBe(0);
  expect(result?.outcome).toBe('completed');
  expect(outcome.identical, 'object differs from the file').toBe(true);
  expect(outcome.leftoverUploads, `multipart uploads left on the server\n${requestLog(outcome)}`).toBe(0);
  const sent = result?.bytesSent ?? -1;
  expect(sent).toBeGreaterThanOrEqual(outcome.size);
  expect(sent).toBeLessThanOrEqual(outcome.size + outcome.faultsOnParts * PART);
  // Parts whose answer was lost and that were sent again are still one part each.
  const status = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(ws.config, stateDirOf(ws, outcome.name))));
  const entry = status.find((upload) => upload.key === outcome.name);
  expect(entry).toMatchObject({ state: 'completed', bytesDone: outcome.size, bytesTotal: outcome.size });
  expect(entry?.partsDone).toBe(entry?.partsTotal);
  expect(entry?.partsTotal).toBe(Math.ceil(outcome.size / PART));
}

/** The figures, kept per scenario and printed as one table when the file ends. */
const figures = new Map<string, { runs: number; completed: number; identical: number; leftover: number; faults: number; maxRatio: number; sent: number; size: number; seconds: number }>();

export function recordFigures(outcome: TortureOutcome): void {
  const row = figures.get(outcome.scenario) ?? { runs: 0, completed: 0, identical: 0, leftover: 0, faults: 0, maxRatio: 0, sent: 0, size: 0, seconds: 0 };
  const sent = outcome.result?.bytesSent ?? 0;
  row.runs += 1;
  if (outcome.run.code === 0 && outcome.result?.outcome === 'completed') row.completed += 1;
  if (outcome.identical) row.identical += 1;
  row.leftover += outcome.leftoverUploads;
  row.faults += outcome.faults;
  row.sent += sent;
  row.size += outcome.size;
  row.seconds += outcome.seconds;
  row.maxRatio = Math.max(row.maxRatio, sent / outcome.size);
  figures.set(outcome.scenario, row);
}

/** Prints the table, and hands each row to the reliability page's figures. */
export function printFigures(title: string): void {
  if (figures.size === 0) return;
  const lines = [`${title}: scenario | runs | completed | object identical | faults injected | bytes sent / file size (total; worst run) | leftover uploads | seconds`];
  for (const [scenario, row] of figures) {
    const ratio = (row.sent / row.size).toFixed(3);
    lines.push(
      `  ${scenario} | ${row.runs} | ${row.completed}/${row.runs} | ${row.identical}/${row.runs} | ${row.faults} | ${row.sent}/${row.size} = ${ratio}; worst ${row.maxRatio.toFixed(3)} | ${row.leftover} | ${row.seconds.toFixed(1)}`,
    );
    recordFigure('network', { file: title, scenario, ...row });
  }
  console.log(lines.join('\n'));
  figures.clear();
}
