import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import { recordFigure } from '../support/reliability-figures.ts';
import type { CliRun, ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

const MiB = 1024 * 1024;
const ws = useTestWorkspace();
const { config, client } = ws;
const isRoot = process.getuid?.() === 0;
/** The unprivileged user the "unreadable file" case runs as when the tests run as root (root reads anything). */
const NOBODY = { uid: 65534, gid: 65534 };
let counter = 0;

beforeAll(async () => {
  // The unprivileged CLI must reach the files and state dirs inside.
  await chmod(ws.dir, 0o777);
});

/** A fresh state directory (not created yet unless `create`), open to any user when it is created. */
async function newStateDir(create = false): Promise<string> {
  counter += 1;
  const dir = join(ws.dir, `state-${counter}`);
  if (create) {
    await mkdir(dir);
    await chmod(dir, 0o777);
  }
  return dir;
}

async function newFile(name: string, size: number): Promise<string> {
  const path = join(ws.dir, name);
  await makeRandomFile(path, size);
  return path;
}

function upload(path: string, key: string, stateDir: string, extra: { bucket?: string; env?: NodeJS.ProcessEnv; args?: string[]; as?: typeof NOBODY } = {}): Promise<CliRun> {
  return runCli(
    ['upload', path, `s3://${extra.bucket ?? ws.bucket}/${key}`, '--part-size', '5MiB', ...(extra.args ?? []), ...targetArgs(config)],
    cliEnv(config, stateDir, extra.env),
    extra.as ?? {},
  );
}

/** Exit 1 with a message a person can act on: no "unexpected error", no stack trace. */
function expectCleanFailure(run: CliRun, message: RegExp): void {
  recordFigure('bad-input', { test: expect.getState().currentTestName, exit: run.code, message: run.stderr.trim().split('\n')[0] ?? '' });
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, run.stderr).toBe(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/^hoist: /m);
  expect(run.stderr).not.toMatch(/unexpected error/i);
  expect(run.stderr).not.toMatch(/warning/i);
  expect(run.stderr, 'stack trace on stderr').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

async function statusOf(stateDir: string): Promise<StatusEntry[]> {
  const run = await runCli(['status', '--json'], cliEnv(config, stateDir));
  expect(run.code, run.stderr).toBe(0);
  expect(run.stderr).toBe('');
  return jsonOutput<StatusEntry[]>(run);
}

/** The state database is whole and holds exactly `expected`; the bucket has no trace of `key`. */
async function expectConsistent(stateDir: string, key: string, expected: StatusEntry[] = []): Promise<void> {
  expect(await statusOf(stateDir)).toEqual(expected);
  if (existsSync(join(stateDir, 'state.sqlite3'))) expect(integrityCheck(stateDir)).toBe('ok');
  expect(await objectExists(client, ws.bucket, key)).toBe(false);
  expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
}

describe('bad input: exit 1, a clear message, consistent state', () => {
  it('a file that does not exist', async () => {
    const stateDir = await newStateDir();
    const missing = join(ws.dir, 'no-such-file.bin');
    const run = await upload(missing, 'missing.bin', stateDir);
    expectCleanFailure(run, /file not found: .*no-such-file\.bin/);
    await expectConsistent(stateDir, 'missing.bin');
  });

  it('a file that does not exist, with --json', async () => {
    const stateDir = await newStateDir();
    const run = await upload(join(ws.dir, 'also-missing.bin'), 'missing-json.bin', stateDir, { args: ['--json'] });
    expectCleanFailure(run, /file not found/);
    await expectConsistent(stateDir, 'missing-json.bin');
  });

  it('a directory', async () => {
    const stateDir = await newStateDir();
    const dir = join(ws.dir, 'a-directory');
    await mkdir(dir);
    const run = await upload(dir, 'dir.bin', stateDir);
    expectCleanFailure(run, /a-directory is a directory: end the address with \/ to send one object per file .*, or with \.tar to send it as one archive/);
    await expectConsistent(stateDir, 'dir.bin');
  });

  it('a file that cannot be read', async () => {
    const stateDir = await newStateDir(true);
    const path = await newFile('unreadable.bin', 6 * MiB);
    await chmod(path, 0o000);
    try {
      const run = await upload(path, 'unreadable.bin', stateDir, isRoot ? { as: NOBODY } : {});
      expectCleanFailure(run, /permission denied reading .*unreadable\.bin/);
      await expectConsistent(stateDir, 'unreadable.bin');
    } finally {
      await chmod(path, 0o600);
    }
  });

  // A small file goes up with one PutObject, a larger one starts with CreateMultipartUpload:
  // both record the upload first, so both must forget it when the server refuses at once.
  // A body of several MiB is often refused before the server reads it (Node then sees a
  // broken pipe, not the answer): the refusal must still be reported as such, at once.
  describe.each([
    { kind: 'single PutObject', tag: 'single', size: 1234 },
    { kind: 'single PutObject of several MiB', tag: 'single-big', size: 5 * MiB - 1 },
    { kind: 'multipart', tag: 'multi', size: 6 * MiB + 1 },
  ])('server refusals ($kind)', ({ tag, size }) => {

    it('a bucket that does not exist', async () => {
      const stateDir = await newStateDir();
      const path = await newFile(`nobucket-${tag}.bin`, size);
      const missingBucket = `${ws.bucket}-missing`;
      const run = await upload(path, `nobucket-${tag}.bin`, stateDir, { bucket: missingBucket });
      expectCleanFailure(run, new RegExp(`bucket "${missingBucket}" not found`));
      // The failure line says which upload: the s3:// address, not only the local id.
      expect(run.stderr).toContain(`s3://${missingBucket}/nobucket-${tag}.bin failed:`);
      await expectConsistent(stateDir, `nobucket-${tag}.bin`);
    });

    it('a bucket that does not exist, with --json', async () => {
      const stateDir = await newStateDir();
      const path = await newFile(`nobucket-json-${tag}.bin`, size);
      const run = await upload(path, `nobucket-json-${tag}.bin`, stateDir, { bucket: `${ws.bucket}-missing`, args: ['--json'] });
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).not.toMatch(/unexpected error/i);
      const [result] = jsonOutput<ResultEntry[]>(run);
      expect(result).toMatchObject({ outcome: 'failed' });
      expect(result?.error).toMatch(/bucket .* not found/);
      await expectConsistent(stateDir, `nobucket-json-${tag}.bin`);
    });

    it('a wrong secret key', async () => {
      const stateDir = await newStateDir();
      const path = await newFile(`badsecret-${tag}.bin`, size);
      const run = await upload(path, `badsecret-${tag}.bin`, stateDir, { env: { AWS_SECRET_ACCESS_KEY: 'definitely-not-the-secret-key-0123' } });
      expectCleanFailure(run, /wrong credentials/);
      expect(run.stderr).toContain(`s3://${ws.bucket}/badsecret-${tag}.bin failed:`);
      await expectConsistent(stateDir, `badsecret-${tag}.bin`);
    });

    it('an unknown access key', async () => {
      const stateDir = await newStateDir();
      const path = await newFile(`badkey-${tag}.bin`, size);
      const run = await upload(path, `badkey-${tag}.bin`, stateDir, { env: { AWS_ACCESS_KEY_ID: 'NOSUCHACCESSKEY0000' } });
      expectCleanFailure(run, /wrong credentials/);
      await expectConsistent(stateDir, `badkey-${tag}.bin`);
    });
  });
});

describe('bad input does not damage uploads already recorded', () => {
  it('leaves a completed and an unfinished upload exactly as they were, and the unfinished one still resumes', async () => {
    const stateDir = await newStateDir(true);

    const donePath = await newFile('done.bin', 7 * MiB + 3);
    const done = await upload(donePath, 'kept/done.bin', stateDir);
    expect(done.code, done.stderr).toBe(0);

    // An unfinished multipart upload: killed (SIGKILL) right after part 1 was recorded.
    const openPath = await newFile('open.bin', 12 * MiB + 5);
    const crashed = await upload(openPath, 'kept/open.bin', stateDir, { args: ['--concurrency', '1'], env: { HOIST_CRASH_AT: 'part-recorded:1' } });
    expect(crashed.signal, crashed.stderr).toBe('SIGKILL');

    const before = await statusOf(stateDir);
    expect(before.map((entry) => [entry.key, entry.state])).toEqual(
      expect.arrayContaining([
        ['kept/done.bin', 'completed'],
        ['kept/open.bin', 'uploading'],
      ]),
    );
    expect(before).toHaveLength(2);
    const open = before.find((entry) => entry.key === 'kept/open.bin') as StatusEntry;
    expect(open.partsDone).toBe(1);
    expect(open.uploadId).not.toBeNull();
    const unfinishedBefore = await listUnfinishedUploads(client, ws.bucket);
    expect(unfinishedBefore).toEqual([{ key: 'kept/open.bin', uploadId: open.uploadId }]);

    const badFile = await newFile('bad-run.bin', 6 * MiB);
    expectCleanFailure(await upload(join(ws.dir, 'not-there.bin'), 'kept/missing.bin', stateDir), /file not found/);
    expectCleanFailure(await upload(ws.dir, 'kept/dir.bin', stateDir), /is a directory/);
    expectCleanFailure(await upload(badFile, 'kept/nobucket.bin', stateDir, { bucket: `${ws.bucket}-missing` }), /bucket .* not found/);
    expectCleanFailure(
      await upload(badFile, 'kept/badsecret.bin', stateDir, { env: { AWS_SECRET_ACCESS_KEY: 'definitely-not-the-secret-key-0123' } }),
      /wrong credentials/,
    );

    expect(await statusOf(stateDir)).toEqual(before);
    expect(integrityCheck(stateDir)).toBe('ok');
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual(unfinishedBefore);
    for (const key of ['kept/missing.bin', 'kept/dir.bin', 'kept/nobucket.bin', 'kept/badsecret.bin']) {
      expect(await objectExists(client, ws.bucket, key)).toBe(false);
    }
    expect(await objectDigest(client, ws.bucket, 'kept/done.bin')).toEqual(await fileDigest(donePath));

    // The unfinished upload is intact: resume finishes it without resending part 1.
    const resumed = await runCli(['resume', '--json', ...targetArgs(config)], cliEnv(config, stateDir));
    expect(resumed.code, resumed.stderr).toBe(0);
    const results = jsonOutput<ResultEntry[]>(resumed);
    expect(results).toEqual([expect.objectContaining({ id: open.id, outcome: 'completed', partsSkipped: 1, restarted: false })]);
    expect(await objectDigest(client, ws.bucket, 'kept/open.bin')).toEqual(await fileDigest(openPath));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    expect(integrityCheck(stateDir)).toBe('ok');
  });
});

describe('usage errors exit 2 and touch no state', () => {
  it.each([
    { name: 'no arguments', args: [], message: /no command given/ },
    { name: 'an unknown command', args: ['launch'], message: /unknown command "launch"/ },
    { name: 'upload without a target', args: ['upload', 'file.bin'], message: /usage: hoist upload <path> s3:\/\/<bucket>\/<key>/ },
    { name: 'a target that is not an s3:// URL', args: ['upload', 'file.bin', 'https://example.com/bucket/key'], message: /is not an s3:\/\/<bucket>\/<key> address/ },
    { name: 'an s3:// URL without a key', args: ['upload', 'file.bin', 's3://bucket-only'], message: /is not an s3:\/\/<bucket>\/<key> address/ },
    { name: 'an unknown option', args: ['status', '--frobnicate'], message: /frobnicate/ },
    { name: 'a bad part size', args: ['upload', 'file.bin', 's3://b/k', '--part-size', 'lots'], message: /--part-size: "lots" is not a size/ },
  ])('$name', async ({ args, message }) => {
    const stateDir = await newStateDir();
    const run = await runCli(args, cliEnv(config, stateDir));
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toMatch(/Usage: hoist <command>/);
    expect(run.stderr).not.toMatch(/unexpected error/i);
    expect(run.stdout).toBe('');
    expect(existsSync(join(stateDir, 'state.sqlite3'))).toBe(false);
  });
});
