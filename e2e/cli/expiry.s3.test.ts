import { join } from 'node:path';
import { ListObjectsV2Command, PutBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, readEvents, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { createTestBucket, listUnfinishedUploads, objectDigest, removeTestBucket, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * Unfinished uploads expire on the server. On the project's RGW a lifecycle
 * "day" lasts 10 s (rgw lc debug interval), so expiry happens for real here.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;

interface ExpiryStatus extends StatusEntry {
  expiresAt: string | null;
  expiringSoon: boolean;
}


async function crashedHalfway(file: string, bucket: string, key: string, stateDir: string, flags: string[]): Promise<void> {
  await makeRandomFile(file, 4 * PART + 321);
  const first = await runCli(
    ['upload', file, `s3://${bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...flags, ...targetArgs(config)],
    cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
  );
  expect(first.signal, first.stderr).toBe('SIGKILL');
}

describe('expiry of unfinished uploads', () => {
  // The lifecycle rule needs the project's RGW, where a day lasts seconds; on another endpoint it would take a real day.
  it.runIf(config.rgwDir !== undefined)(
    'an upload left past the lifecycle rule is discarded by the server; resume starts it again, completes it and says so',
    async () => {
      await client.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: ws.bucket,
          LifecycleConfiguration: { Rules: [{ ID: 'abort-unfinished', Status: 'Enabled', Filter: { Prefix: '' }, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
        }),
      );
      const file = join(ws.dir, 'expiring.bin');
      const stateDir = join(ws.dir, 'state-expiry');
      await crashedHalfway(file, ws.bucket, 'expiring.bin', stateDir, ['--rollover-window', '0s']);

      // The server said when it will discard the upload (its AbortDate), and status warns with a threshold past it.
      const statusWith = async (warning: string) => jsonOutput<ExpiryStatus[]>(await runCli(['status', '--json', '--expiry-warning', warning], cliEnv(config, stateDir)));
      const [before] = await statusWith('3d');
      expect(before).toMatchObject({ partsDone: 2, expiringSoon: true });
      const expiresIn = Date.parse(before?.expiresAt ?? '') - Date.now();
      expect(expiresIn).toBeGreaterThan(0);
      expect(expiresIn).toBeLessThanOrEqual(2 * 24 * 3600_000);
      expect((await statusWith('1h'))[0]?.expiringSoon).toBe(false);

      // Wait for the server's lifecycle pass to discard it (10 to 17 s after it started, measured).
      const deadline = Date.now() + 90_000;
      while ((await listUnfinishedUploads(client, ws.bucket)).length > 0) {
        if (Date.now() > deadline) throw new Error('the server did not discard the upload within 90 s');
        await new Promise((resolve) => setTimeout(resolve, 2000));
      }

      const resumed = await runCli(['resume', '--json', '--rollover-window', '0s'], cliEnv(config, stateDir));
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', restarted: true, bytesSent: 4 * PART + 321 });
      expect(await objectDigest(client, ws.bucket, 'expiring.bin')).toEqual(await fileDigest(file));
      const [after] = jsonOutput<ExpiryStatus[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
      expect(after).toMatchObject({ state: 'completed', restarts: 1, expiresAt: null, expiringSoon: false });
      expect(readEvents(stateDir).filter((event) => event.kind === 'restarted').map((event) => event.message)).toEqual([
        expect.stringMatching(/the server no longer had multipart upload .* \(aborted or expired\); started again from the first part/),
      ]);
    },
    150_000,
  );

  describe('rollover', () => {
    let bucket = '';
    beforeAll(async () => {
      bucket = await createTestBucket(client, config, 'roll');
    });
    afterAll(async () => {
      if (bucket) await removeTestBucket(client, bucket);
    });

    it('an upload inside the rollover window is renewed with UploadPartCopy: only the remaining parts are sent', async () => {
      const file = join(ws.dir, 'long-running.bin');
      const stateDir = join(ws.dir, 'state-rollover');
      // The server gives no abort date for this bucket: a configured 1-day expiry, and a 2-day window, put it inside.
      const flags = ['--expiry', '1d', '--rollover-window', '2d'];
      await crashedHalfway(file, bucket, 'long-running.bin', stateDir, flags);
      const [before] = jsonOutput<ExpiryStatus[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));

      const resumed = await runCli(['resume', '--json', ...flags], cliEnv(config, stateDir));

      expect(resumed.code, resumed.stderr).toBe(0);
      expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', bytesSent: 2 * PART + 321, restarted: false });
      expect(await objectDigest(client, bucket, 'long-running.bin')).toEqual(await fileDigest(file));
      const listed = await client.send(new ListObjectsV2Command({ Bucket: bucket }));
      expect((listed.Contents ?? []).map((object) => object.Key)).toEqual(['long-running.bin']);
      expect(await listUnfinishedUploads(client, bucket)).toEqual([]);
      const rolled = readEvents(stateDir).filter((event) => event.kind === 'rolled-over');
      expect(rolled).toHaveLength(1);
      expect(rolled[0]?.message).toMatch(new RegExp(`2 parts \\(${2 * PART} bytes\\) copied server-side into multipart upload (?!${before?.uploadId})`));
    });
  });
});
