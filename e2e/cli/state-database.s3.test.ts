import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, runCli, targetArgs } from '../support/cli-runner.ts';
import type { CliRun, StatusEntry } from '../support/cli-runner.ts';
import { makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectExists, useTestWorkspace } from '../support/s3-fixture.ts';

const ws = useTestWorkspace();
const { config, client } = ws;
const DB_FILE = 'state.sqlite3';
let counter = 0;

async function newStateDir(): Promise<string> {
  counter += 1;
  const dir = join(ws.dir, `state-${counter}`);
  await mkdir(dir);
  return dir;
}

const sha256 = async (path: string): Promise<string> => createHash('sha256').update(await readFile(path)).digest('hex');

function userVersion(file: string): number {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
}

/** Exit 1 with a message a person can act on: no "unexpected error", no stack trace. */
function expectCleanFailure(run: CliRun, ...messages: RegExp[]): void {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.code, run.stderr).toBe(1);
  for (const message of messages) expect(run.stderr).toMatch(message);
  expect(run.stderr).toMatch(/^hoist: /m);
  expect(run.stderr).not.toMatch(/unexpected error/i);
  expect(run.stderr).not.toMatch(/warning/i);
  expect(run.stderr, 'stack trace on stderr').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

/** The commands that open the state database, each of which must refuse it. */
async function commandsAgainst(stateDir: string): Promise<{ key: string; runs: Array<{ name: string; run: CliRun }> }> {
  const file = join(ws.dir, `payload-${counter}.bin`);
  await makeRandomFile(file, 4096);
  const key = `refused-${counter}.bin`;
  const env = cliEnv(config, stateDir);
  const runs = [
    { name: 'status', run: await runCli(['status'], env) },
    { name: 'status --json', run: await runCli(['status', '--json'], env) },
    { name: 'upload', run: await runCli(['upload', file, `s3://${ws.bucket}/${key}`, ...targetArgs(config)], env) },
    { name: 'resume', run: await runCli(['resume', ...targetArgs(config)], env) },
    { name: 'cancel', run: await runCli(['cancel', 'abcdef123456'], env) },
  ];
  return { key, runs };
}

describe('a state database written by a newer Hoist', () => {
  it('is refused by every command with a message naming its schema, and left untouched', async () => {
    const stateDir = await newStateDir();
    const dbFile = join(stateDir, DB_FILE);
    const created = await runCli(['status', '--json'], cliEnv(config, stateDir));
    expect(created.code, created.stderr).toBe(0);
    expect(jsonOutput<StatusEntry[]>(created)).toEqual([]);

    // What a future Hoist would leave: a schema this one does not know.
    const raw = new Database(dbFile, { fileMustExist: true });
    raw.pragma('user_version = 99');
    raw.close();
    expect(userVersion(dbFile)).toBe(99);
    const before = await sha256(dbFile);
    const filesBefore = (await readdir(stateDir)).sort();

    const { key, runs } = await commandsAgainst(stateDir);
    for (const { name, run } of runs) {
      expect.soft(run.code, `${name}: ${run.stderr}`).toBe(1);
      expectCleanFailure(run, /written by a newer version of Hoist/, /schema 99/, new RegExp(DB_FILE.replace('.', '\\.')));
      expect(run.stdout, name).toBe('');
    }

    expect(await sha256(dbFile)).toBe(before);
    expect(userVersion(dbFile)).toBe(99);
    expect(integrityCheck(stateDir)).toBe('ok');
    // No leftovers beside it (a WAL or shared-memory file would be a change too).
    expect((await readdir(stateDir)).sort()).toEqual(filesBefore);
    expect(await objectExists(client, ws.bucket, key)).toBe(false);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });
});

describe('a state database that is not a database', () => {
  it.each([
    { name: 'random bytes', content: () => randomBytes(8192) },
    { name: 'a text file', content: () => Buffer.from('these are my notes, not a database\n'.repeat(50)) },
  ])('($name) is refused as damaged by every command, and left untouched', async ({ content }) => {
    const stateDir = await newStateDir();
    const dbFile = join(stateDir, DB_FILE);
    await writeFile(dbFile, content());
    const before = await sha256(dbFile);
    const filesBefore = (await readdir(stateDir)).sort();

    const { key, runs } = await commandsAgainst(stateDir);
    for (const { name, run } of runs) {
      expect.soft(run.code, `${name}: ${run.stderr}`).toBe(1);
      expectCleanFailure(run, /damaged/, /has not changed it/, new RegExp(DB_FILE.replace('.', '\\.')));
      expect(run.stdout, name).toBe('');
    }

    expect(await sha256(dbFile)).toBe(before);
    expect((await readdir(stateDir)).sort()).toEqual(filesBefore);
    expect(await objectExists(client, ws.bucket, key)).toBe(false);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });
});

describe('a state database damaged past its first page', () => {
  // Opening a database reads only its first page (header, schema, user_version): the damage
  // further in must still be found at open, not in the middle of a command.
  it('is refused as damaged, with no stack trace, and left untouched', async () => {
    const stateDir = await newStateDir();
    const dbFile = join(stateDir, DB_FILE);
    const file = join(ws.dir, 'recorded.bin');
    await makeRandomFile(file, 2048);
    const uploaded = await runCli(['upload', file, `s3://${ws.bucket}/recorded.bin`, ...targetArgs(config)], cliEnv(config, stateDir));
    expect(uploaded.code, uploaded.stderr).toBe(0);
    expect((await readdir(stateDir)).sort()).toEqual([DB_FILE]);

    // Overwrite every page but the first with noise: the header and user_version still read fine.
    const bytes = await readFile(dbFile);
    const rawPageSize = bytes.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    expect(bytes.length).toBeGreaterThan(pageSize);
    randomBytes(bytes.length - pageSize).copy(bytes, pageSize);
    await writeFile(dbFile, bytes);
    const before = await sha256(dbFile);

    const run = await runCli(['status', '--json'], cliEnv(config, stateDir));
    expectCleanFailure(run, /damaged/);
    expect(await sha256(dbFile)).toBe(before);
  });
});
