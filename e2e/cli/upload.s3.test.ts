import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;

async function uploadAndCheck(name: string, size: number, partSize = '5MiB') {
  const file = join(ws.dir, name);
  await makeRandomFile(file, size);
  const stateDir = join(ws.dir, `state-${name}`);
  const run = await runCli(['upload', file, `s3://${ws.bucket}/${name}`, '--part-size', partSize, '--json', ...targetArgs(config)], cliEnv(config, stateDir));
  expect(run.stderr).not.toMatch(/unexpected error/);
  expect(run.code, run.stderr).toBe(0);
  const [result] = jsonOutput<ResultEntry[]>(run);
  expect(result?.outcome).toBe('completed');
  expect(await objectDigest(client, ws.bucket, name)).toEqual(await fileDigest(file));
  const status = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
  expect(status).toHaveLength(1);
  expect(status[0]).toMatchObject({ state: 'completed', bytesDone: size, bytesTotal: size, bucket: ws.bucket, key: name, path: file });
  expect(integrityCheck(stateDir)).toBe('ok');
  return { result: result as ResultEntry, status: status[0] as StatusEntry };
}

describe('upload', () => {
  it('uploads a multi-part file whose object bytes equal the file', async () => {
    const { status, result } = await uploadAndCheck('multi.bin', 23 * MiB + 12345);
    expect(status.partsTotal).toBe(5);
    expect(status.partsDone).toBe(5);
    expect(result.bytesSent).toBe(23 * MiB + 12345);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });

  it('uploads a 0-byte file', async () => {
    const { status } = await uploadAndCheck('empty.bin', 0);
    expect(status.partsTotal).toBe(1);
  });

  it('uploads a file smaller than one part with a single PutObject', async () => {
    const { status } = await uploadAndCheck('small.bin', 3 * MiB + 7);
    expect(status.uploadId).toBeNull();
  });

  it('uploads a file whose size is an exact multiple of the part size', async () => {
    const { status } = await uploadAndCheck('exact.bin', 15 * MiB);
    expect(status.partsTotal).toBe(3);
    expect(status.uploadId).not.toBeNull();
  });
});
