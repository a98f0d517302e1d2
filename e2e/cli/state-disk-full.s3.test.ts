import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cliEnv, integrityCheck, jsonOutput, readPartStates, runCli, targetArgs } from '../support/cli-runner.ts';
import type { ResultEntry, StatusEntry } from '../support/cli-runner.ts';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { listUnfinishedUploads, objectDigest, useTestWorkspace } from '../support/s3-fixture.ts';

/**
 * The disk holding the state database fills up in the middle of an upload.
 * Simulated with the HOIST_TEST_MAX_PAGE_COUNT test hook (PRAGMA
 * max_page_count on the CLI's connection: a write that needs a new page fails
 * with SQLITE_FULL, as on a full disk) and a trigger the test adds, which makes
 * the record of part 4 being done need many new pages: that write, and only
 * that one, finds the disk full.
 */
const MiB = 1024 * 1024;
const PART = 5 * MiB;
const ws = useTestWorkspace();
const { config, client } = ws;
const FULL = 'the disk holding the state database';

describe('the disk holding the state database fills up mid-upload', () => {
  it('stops with a clear message, records nothing wrongly, and resume completes once there is space', async () => {
    const file = join(ws.dir, 'full.bin');
    const size = 6 * PART + 999;
    await makeRandomFile(file, size);
    const stateDir = join(ws.dir, 'state-full');
    const dbFile = join(stateDir, 'state.sqlite3');
    const key = 'full.bin';
    const killed = await runCli(
      ['upload', file, `s3://${ws.bucket}/${key}`, '--part-size', '5MiB', '--concurrency', '1', ...targetArgs(config)],
      cliEnv(config, stateDir, { HOIST_CRASH_AT: 'part-recorded:2' }),
    );
    expect(killed.signal, killed.stderr).toBe('SIGKILL');

    // The disk will be full exactly when part 4 is recorded done.
    const db = new Database(dbFile);
    db.exec(`CREATE TABLE test_filler (bytes BLOB NOT NULL);
      CREATE TRIGGER test_disk_fills AFTER UPDATE OF state ON parts WHEN NEW.state = 'done' AND NEW.part_number = 4
      BEGIN INSERT INTO test_filler VALUES (zeroblob(262144)); END;`);
    db.pragma('wal_checkpoint(TRUNCATE)');
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.close();

    const full = await runCli(['resume', '--concurrency', '1'], cliEnv(config, stateDir, { HOIST_TEST_MAX_PAGE_COUNT: String(pages) }));
    expect(full.signal, full.stderr).toBeNull();
    expect(full.code, full.stderr).toBe(1);
    expect(full.stderr).toMatch(
      new RegExp(`^hoist: [0-9a-f]{12} s3://${ws.bucket}/full\\.bin failed: ${FULL} \\(${dbFile.replace(/[.]/g, '\\.')}\\) is full: free some space, then resume; nothing was recorded wrongly$`, 'm'),
    );
    expect(full.stderr).not.toMatch(/unexpected error/i);
    expect(full.stderr, 'stack trace on stderr').not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);

    // Part 4 reached the server, but its record could not be written: it is not done in the database.
    expect(readPartStates(stateDir).map((part) => part.state)).toEqual(['done', 'done', 'done', 'pending', 'pending', 'pending', 'pending']);
    const [status] = jsonOutput<StatusEntry[]>(await runCli(['status', '--json'], cliEnv(config, stateDir)));
    expect(status).toMatchObject({ state: 'failed', partsDone: 3, lastError: expect.stringContaining(`${FULL} (${dbFile}) is full`) });
    expect(integrityCheck(stateDir)).toBe('ok');

    // Space is back (the limit lifted, the filler gone): resume continues. Part 4's ETag is the
    // MD5 recorded before it was sent, so it is adopted from the server, not sent again.
    const space = new Database(dbFile);
    space.exec('DROP TRIGGER test_disk_fills; DROP TABLE test_filler;');
    space.close();
    const resumed = await runCli(['resume', '--json'], cliEnv(config, stateDir));
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(jsonOutput<ResultEntry[]>(resumed)[0]).toMatchObject({ outcome: 'completed', partsSkipped: 4, bytesSent: size - 4 * PART });
    expect(await objectDigest(client, ws.bucket, key)).toEqual(await fileDigest(file));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    expect(integrityCheck(stateDir)).toBe('ok');
  });
});
