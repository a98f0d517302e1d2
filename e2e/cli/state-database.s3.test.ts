import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
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
    // No leftovers beside it (a WAL or shared-memory file would be a change too); the
    // writers' lock file (state.lock) is not part of the database.
    expect((await readdir(stateDir)).filter((name) => name !== 'state.lock').sort()).toEqual(filesBefore);
    expect(await objectExists(client, ws.bucket, key)).toBe(false);
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  });
});
