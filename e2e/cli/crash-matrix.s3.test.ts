import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, readPartStates, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { deleteObjects, endState, inFlightBytes, listUploads, unsentBytes, resentBy, uploadRecords } from '../support/crash-checks.ts';
import { CrashFigures } from '../support/crash-figures.ts';
import { runKillable } from '../support/crash-run.ts';
import type { KillPlan } from '../support/crash-run.ts';
import { makeRandomFile } from '../support/files.ts';
import { KillSwitchProxy } from '../support/kill-switch-proxy.ts';
import type { KillTrigger } from '../support/kill-switch-proxy.ts';
import { objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * The crash matrix: one real SIGKILL at every stage of an upload's life, from
 * before its multipart upload is recorded to after Complete, then `resume`.
 * Every run must end with the object byte-identical to the file, no other
 * object, no multipart upload left on the server, an intact state database,
 * and at most the parts in flight sent again. Outside kills at random moments
 * and over several files are in crash-soak; kills polled from the database
 * and SIGINT are in crash-resume.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;
const figures = new CrashFigures('crash-matrix');
const plainHttp = config.endpoint?.startsWith('http://') === true;
let proxy: KillSwitchProxy;

beforeAll(async () => {
  if (plainHttp) proxy = await KillSwitchProxy.start(config.endpoint as string);
});
afterAll(async () => {
  figures.write();
  await proxy?.stop();
});

/** What the killed run left, read before resume: proves the kill hit the stage it names. */
interface AtKill {
  size: number;
  uploadId: string | null;
  parts: string[];
  serverUploads: string[];
  objectExists: boolean;
}

interface Stage {
  name: string;
  /** HOIST_CRASH_AT, or a moment on the wire (an outside SIGKILL). */
  crashAt?: string;
  wire?: KillTrigger;
  concurrency: number;
  size: number;
  atKill: (left: AtKill) => void;
  resumed?: (result: ResultEntry, left: AtKill) => void;
}

const sentEverything = (result: ResultEntry, left: AtKill) => expect(result.bytesSent).toBe(left.size);
const sentNothing = (result: ResultEntry) => expect(result.bytesSent).toBe(0);
const allDone = (left: AtKill) => expect(left.parts.every((state) => state === 'done')).toBe(true);

const stages: Stage[] = [
  {
    // Created on the server, never recorded: resume must remove it, not only make another.
    name: 'upload-created',
    crashAt: 'upload-created',
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => expect({ uploadId: left.uploadId, server: left.serverUploads.length }).toEqual({ uploadId: null, server: 1 }),
    resumed: sentEverything,
  },
  {
    name: 'upload-id-recorded',
    crashAt: 'upload-id-recorded',
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => {
      expect(left.serverUploads).toEqual([left.uploadId]);
      expect(left.parts.every((state) => state === 'pending')).toBe(true);
    },
    resumed: sentEverything,
  },
  {
    // Its digests recorded, not a byte of it sent; part 1 or 2 still in flight.
    name: 'part-started',
    crashAt: 'part-started:3',
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => expect(left.parts[2]).toBe('uploading'),
  },
  {
    // From outside, with two parts half on the wire.
    name: 'mid-part (outside, bytes flowing)',
    wire: { kind: 'after-bytes', bytes: PART + PART / 2 },
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => expect(left.parts.filter((state) => state === 'uploading').length).toBeGreaterThan(0),
  },
  {
    // The server stored part 3, the database never heard: resume adopts it from ListParts.
    name: 'part-uploaded',
    crashAt: 'part-uploaded:3',
    concurrency: 1,
    size: 4 * PART + 99,
    atKill: (left) => expect(left.parts.slice(0, 3)).toEqual(['done', 'done', 'uploading']),
    resumed: (result, left) => {
      expect(result.partsSkipped).toBe(3);
      expect(result.bytesSent).toBe(left.size - 3 * PART);
    },
  },
  {
    name: 'part-recorded',
    crashAt: 'part-recorded:2',
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => expect(left.parts.filter((state) => state === 'done').length).toBeGreaterThanOrEqual(2),
  },
  {
    name: 'before-complete',
    crashAt: 'before-complete',
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => {
      allDone(left);
      expect({ server: left.serverUploads, object: left.objectExists }).toEqual({ server: [left.uploadId], object: false });
    },
    resumed: sentNothing,
  },
  {
    // Complete half sent when the process dies: the server completes nothing.
    name: 'complete in flight (request cut)',
    wire: { kind: 'complete-cut' },
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => {
      allDone(left);
      expect({ server: left.serverUploads, object: left.objectExists }).toEqual({ server: [left.uploadId], object: false });
    },
    resumed: sentNothing,
  },
  {
    // Complete fully sent, the process dies before the answer: the server completes it, nobody records it.
    name: 'complete in flight (unanswered)',
    wire: { kind: 'complete-unanswered' },
    concurrency: 2,
    size: 3 * PART + 12_345,
    atKill: (left) => {
      allDone(left);
      expect({ server: left.serverUploads, object: left.objectExists }).toEqual({ server: [], object: true });
    },
    resumed: (result) => expect(result).toMatchObject({ bytesSent: 0, restarted: false }),
  },
  {
    name: 'after-complete',
    crashAt: 'after-complete',
    concurrency: 2,
    size: 3 * PART + 5,
    atKill: (left) => expect({ server: left.serverUploads, object: left.objectExists }).toEqual({ server: [], object: true }),
    resumed: (result) => expect(result).toMatchObject({ bytesSent: 0, restarted: false }),
  },
];

/**
 * What the server holds of the key. A Complete the killed client sent may
 * still be finishing there: when `finishing`, wait (a little) for the object
 * to appear and the multipart upload to go, so the check sees the end state.
 */
async function serverState(bucket: string, key: string, finishing: boolean): Promise<{ uploads: string[]; object: boolean }> {
  for (let waited = 0; ; waited += 100) {
    const object = await objectExists(client, bucket, key);
    const uploads = (await listUploads(client, bucket, key)).map((upload) => upload.uploadId);
    if (!finishing || (object && uploads.length === 0) || waited >= 10_000) return { uploads, object };
    await delay(100);
  }
}

describe('crash matrix: SIGKILL at every stage, then resume', () => {
  for (const [index, stage] of stages.entries()) {
    // The relay reads the wire: only a plain-HTTP endpoint (the local RGW) shows it.
    it.skipIf(stage.wire !== undefined && !plainHttp)(`${stage.name}: resume ends byte-identical, nothing left on the server, at most the parts in flight re-sent`, async () => {
      const prefix = `matrix-${index}/`;
      const key = `${prefix}file.bin`;
      const file = join(ws.dir, `matrix-${index}.bin`);
      const stateDir = join(ws.dir, `state-matrix-${index}`);
      await makeRandomFile(file, stage.size);
      const endpoint = stage.wire ? proxy.endpoint : config.endpoint;
      const env = cliEnv(config, stateDir, endpoint ? { AWS_ENDPOINT_URL: endpoint } : {});
      const args = ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', String(stage.concurrency), '--json', ...targetArgs(config)];
      const plan: KillPlan = stage.wire ? { kind: 'wire', proxy, trigger: stage.wire } : { kind: 'crash-at', point: stage.crashAt ?? '' };

      const { run, killed } = await runKillable(endpoint ? [...args, '--endpoint', endpoint] : args, env, plan);
      expect(killed, `the run was not killed:\n${run.stderr}`).toBe(true);
      figures.kill(stage.name);

      const [record] = uploadRecords(stateDir);
      const server = await serverState(ws.bucket, key, stage.wire?.kind === 'complete-unanswered');
      const left: AtKill = {
        size: stage.size,
        uploadId: record?.uploadId ?? null,
        parts: readPartStates(stateDir).map((part) => part.state),
        serverUploads: server.uploads,
        objectExists: server.object,
      };
      stage.atKill(left);
      expect(inFlightBytes(stateDir)).toBeLessThanOrEqual(stage.concurrency * PART);
      const files = [{ file, size: stage.size }];
      const unsentBefore = unsentBytes(stateDir, files);

      const resume = await runCli(['resume', '--json'], cliEnv(config, stateDir));
      expect(resume.code, resume.stderr).toBe(0);
      const [result] = jsonOutput<ResultEntry[]>(resume);
      expect(result?.outcome).toBe('completed');
      const resent = resentBy(result?.bytesSent ?? 0, unsentBefore, unsentBytes(stateDir, files));
      figures.resent(stage.name, resent, stage.concurrency * PART);
      const end = await endState(client, ws.bucket, prefix, [{ key, file }], stateDir);
      figures.end(stage.name, end);

      expect(end).toEqual({ expected: 1, identical: 1, missingKeys: [], unexpectedKeys: [], leftoverUploads: [], integrity: 'ok' });
      expect(uploadRecords(stateDir).map((row) => row.state)).toEqual(['completed']);
      expect(unsentBytes(stateDir, files)).toBe(0);
      expect(resent).toBeLessThanOrEqual(stage.concurrency * PART);
      expect(result?.restarted).toBe(false);
      stage.resumed?.(result as ResultEntry, left);
      await deleteObjects(client, ws.bucket, [key]);
    });
  }
});
