import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * An option the user typed is used or refused with why, never ignored: an
 * unfinished upload continues where it started, so `resume --endpoint` naming
 * another server is refused (exit 2) before anything is sent, and the same
 * flags that restate the record (an alias passing them everywhere) work.
 */
const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;

describe('options are never silently ignored', () => {
  it('resume refuses an endpoint, region or part size the unfinished upload did not record, and takes the ones it did', async () => {
    const file = join(ws.dir, 'moved.bin');
    const stateDir = join(ws.dir, 'state-moved');
    await makeRandomFile(file, 3 * 5 * MiB + 17);
    const key = 'moved.bin';
    const first = await runCli(
      ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:1' }),
    );
    expect(first.signal, first.stderr).toBe('SIGKILL');

    const moved = await runCli(['resume', '--endpoint', 'http://127.0.0.1:9', ...targetArgs(config)], cliEnv(config, stateDir));
    expect(moved.code).toBe(2);
    expect(moved.stderr).toMatch(/--endpoint http:\/\/127\.0\.0\.1:9 does nothing for `hoist resume`: upload \S+ of .*moved\.bin was started with /);
    expect(moved.stderr).toMatch(/cancel it and upload it again there/);
    const otherRegion = await runCli(['resume', '--region', 'ap-south-2'], cliEnv(config, stateDir));
    expect(otherRegion.code).toBe(2);
    expect(otherRegion.stderr).toMatch(/--region ap-south-2 does nothing/);
    const otherParts = await runCli(['resume', '--part-size', '16MiB'], cliEnv(config, stateDir));
    expect(otherParts.code).toBe(2);
    expect(otherParts.stderr).toMatch(/keeps the part size it started with/);
    // Refused before anything was sent: the upload is still unfinished and resumes.
    const status = await runCli(['status', '--concurrency', '2'], cliEnv(config, stateDir));
    expect(status.code).toBe(2);
    expect(status.stderr).toMatch(/--concurrency does nothing for `hoist status`/);

    const same = await runCli(['resume', '--json', '--part-size', '5MiB', '--region', config.region, ...targetArgs(config)], cliEnv(config, stateDir));
    expect(same.code, same.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(same)[0]).toMatchObject({ outcome: 'completed' });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
  });
});
