import { createHash } from 'node:crypto';
import { existsSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { lastSchemaPageOf, overwritePage, pageSizeOf, rootPageOf } from '../../main/store/testing/damaged-database.ts';
import { cliEnv, integrityCheck, jsonOutput, readPartStates, runCli, targetArgs } from '../support/cli-runner.ts';
import type { CliRun, ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * A damaged state database (a bad disk, a crash mid-write on a filesystem that
 * lies about syncs, a truncated copy) does not stop Hoist: it is moved aside,
 * a new one is started, and the unfinished uploads that can be read from it
 * are adopted again from the server, their parts verified against the files.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;
const DB = 'state.sqlite3';

interface Killed {
  file: string;
  key: string;
  stateDir: string;
  dbFile: string;
  size: number;
}

/** An upload killed (SIGKILL) right after its second part was recorded, its database checkpointed as a clean close leaves it. */
async function killedUpload(name: string, size = 6 * PART + 4321): Promise<Killed> {
  const file = join(ws.dir, `${name}.bin`);
  await makeRandomFile(file, size);
  const stateDir = join(ws.dir, `state-${name}`);
  const key = `${name}.bin`;
  const run = await runCli(
    ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
    cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
  );
  expect(run.signal, run.stderr).toBe('SIGKILL');
  expect(readPartStates(stateDir).map((part) => part.state)).toEqual(['done', 'done', 'pending', 'pending', 'pending', 'pending', 'pending']);
  // The killed process left its commits in the WAL: fold them into the file, which is what gets damaged.
  const dbFile = join(stateDir, DB);
  const db = new Database(dbFile);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  return { file, key, stateDir, dbFile, size };
}

const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

function expectNoCrash(run: CliRun): void {
  expect(run.signal, run.stderr).toBeNull();
  expect(run.stderr).not.toMatch(/unexpected error/i);
  expect(run.stderr, 'stack trace on stderr').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
}

/** The one line that says the database was moved aside; returns where to. */
function movedAsideTo(run: CliRun, stateDir: string): string {
  const escaped = stateDir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`^hoist: the state database was damaged \\(.+\\); it was moved aside to (${escaped}/${DB.replace('.', '\\.')}\\.damaged-\\d{8}T\\d{6}Z) and a new one started\\. .+ could be read from it.*$`, 'm').exec(run.stderr);
  expect(match, run.stderr).not.toBeNull();
  return match?.[1] as string;
}

/** resume after the damage: completes the upload from the server's verified parts, sending only the rest. */
async function resumeRebuilds(k: Killed, damagedSha: string): Promise<void> {
  const run = await runCli(['resume', '--json'], cliEnv(config, k.stateDir));
  expectNoCrash(run);
  expect(run.code, run.stderr).toBe(0);
  const movedTo = movedAsideTo(run, k.stateDir);
  // Moved, not changed: the damaged file is there for whoever wants to look at it.
  expect(sha256(movedTo)).toBe(damagedSha);
  expect(run.stderr).toMatch(/ 1 upload, 0 targets and 0 settings could be read from it/);
  expect(run.stderr).toMatch(
    new RegExp(`^hoist: rebuilt upload [0-9a-f]{12} of ${k.file.replace(/[.]/g, '\\.')} to s3://${ws.bucket}/${k.key.replace('.', '\\.')} from the server \\(2 parts verified against the file\\); resume continues it$`, 'm'),
  );
  const [result] = jsonOutput<ResultEntry[]>(run);
  // The two verified parts are not sent again: only the five after them.
  expect(result).toMatchObject({ outcome: 'completed', partsSkipped: 2, bytesSent: k.size - 2 * PART });
  expect(await objectDigest(client, ws.bucket, k.key)).toEqual(await fileDigest(k.file));
  expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
  expect(integrityCheck(k.stateDir)).toBe('ok');

  const status = await runCli(['status', '--json'], cliEnv(config, k.stateDir));
  expect(status.code, status.stderr).toBe(0);
  expect(status.stderr).toBe('');
  expect(jsonOutput<StatusEntry[]>(status)).toEqual([expect.objectContaining({ path: k.file, key: k.key, state: 'completed', bytesDone: k.size })]);
}

describe('a damaged state database', () => {
  it('with pages in the middle overwritten (parts and events): resume moves it aside, rebuilds the upload and completes it', async () => {
    const k = await killedUpload('middle-pages');
    overwritePage(k.dbFile, rootPageOf(k.dbFile, 'parts'), 11);
    overwritePage(k.dbFile, rootPageOf(k.dbFile, 'events'), 12);
    await resumeRebuilds(k, sha256(k.dbFile));
  });

  it('truncated after the uploads table: resume moves it aside, rebuilds the upload and completes it', async () => {
    const k = await killedUpload('truncated');
    // The uploads table and the schema naming it survive (the schema outgrew page 1 and spills to later pages).
    const keep = Math.max(rootPageOf(k.dbFile, 'uploads'), lastSchemaPageOf(k.dbFile)) * pageSizeOf(k.dbFile);
    expect(readFileSync(k.dbFile).length).toBeGreaterThan(keep);
    truncateSync(k.dbFile, keep);
    await resumeRebuilds(k, sha256(k.dbFile));
  });

  it('that is not a database at all: status starts a new one and says so; nothing to rebuild', async () => {
    const stateDir = join(ws.dir, 'state-notes');
    const dbFile = join(stateDir, DB);
    await runCli(['status'], cliEnv(config, stateDir));
    writeFileSync(dbFile, 'these are my notes, not a database\n'.repeat(50));
    const run = await runCli(['status', '--json'], cliEnv(config, stateDir));
    expectNoCrash(run);
    expect(run.code, run.stderr).toBe(0);
    expect(jsonOutput<StatusEntry[]>(run)).toEqual([]);
    const movedTo = movedAsideTo(run, stateDir);
    expect(readFileSync(movedTo, 'utf8')).toMatch(/^these are my notes/);
    expect(run.stderr).toMatch(/0 uploads, 0 targets and 0 settings could be read from it \(not all: targets, settings, uploads, folders: file is not a database\)$/m);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(integrityCheck(stateDir)).toBe('ok');
    // Said once: the next run finds a whole database.
    const again = await runCli(['status', '--json'], cliEnv(config, stateDir));
    expect(again.stderr).toBe('');
    expect(existsSync(dbFile)).toBe(true);
  });
});
