import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overwritePage, rootPageOf } from '../../main/store/testing/damaged-database.ts';
import { cliEnv, integrityCheck, runCli, targetArgs } from '../support/cli-runner.ts';
import { runKillable } from '../support/crash-run.ts';
import { FaultProxy } from '../support/fault-proxy.ts';
import { entries, localListing, makeFolder, objectSends, serverListing } from '../support/folder-fixture.ts';
import { listUnfinishedUploads, useTestWorkspace } from '../support/s3-fixture.ts';

// A folder upload killed for real (SIGKILL) midway, then its state database
// damaged where the folder's files were recorded: the next resume moves the
// database aside, records the folder again from what could be read, and the
// folder's run settles every file from the server's listing. Nothing sent
// before the kill goes again: neither a small file nor a part of a big one.

const MiB = 1024 * 1024;
const CONCURRENCY = 4;
const ws = useTestWorkspace();
const { config, client } = ws;
let proxy: FaultProxy;

beforeAll(async () => {
  if (!config.endpoint) throw new Error('these tests count requests through a proxy in front of the test server');
  proxy = await FaultProxy.startHttp(config.endpoint, () => ({ kind: 'forward' }));
});

afterAll(async () => {
  await proxy?.stop();
});

/** 150 small files of 1-20 KB, walked first, then 4 files of 11-12.5 MiB sent in three 5 MiB parts each. */
function folderWithBigFiles(root: string): string {
  const files: Record<string, number> = {};
  for (let i = 0; i < 150; i += 1) files[`dir${i % 5}/small-${String(i).padStart(3, '0')}.bin`] = 1024 + ((i * 389) % 19_456);
  for (let i = 0; i < 4; i += 1) files[`large/big-${i}.bin`] = 11 * MiB + i * 512 * 1024 + 7;
  return makeFolder(root, files);
}

/** PutObject requests per key, and UploadPart requests per key and part, through the proxy since `from`. */
const sends = (from: number) => objectSends(proxy.requests, from);

/** What the killed run had recorded as on the server (files sent or found there, big files' parts), as `sends` names them, and its big files' unfinished uploads. */
function recordedBeforeDamage(dbFile: string, bucket: string): { sent: string[]; unfinishedChildren: number } {
  const db = new Database(dbFile, { readonly: true });
  try {
    const files = db.prepare("SELECT f.prefix || ff.rel_path FROM folder_files ff JOIN folders f ON f.id = ff.folder_id WHERE ff.state IN ('done', 'there')").pluck().all() as string[];
    const parts = db
      .prepare("SELECT u.\"key\" || '#' || p.part_number FROM parts p JOIN uploads u ON u.id = p.upload_record_id WHERE p.state = 'done' AND u.folder_id IS NOT NULL")
      .pluck()
      .all() as string[];
    const unfinishedChildren = db.prepare("SELECT count(*) FROM uploads WHERE folder_id IS NOT NULL AND state NOT IN ('completed', 'cancelled')").pluck().get() as number;
    return { sent: [...files, ...parts].map((what) => `/${bucket}/${what}`), unfinishedChildren };
  } finally {
    db.close();
  }
}

describe('a folder upload killed midway, its state database then damaged', () => {
  it('is recorded again by resume, which completes it to the exact folder without sending again what was sent', async () => {
    const root = folderWithBigFiles(join(ws.dir, 'folder'));
    const prefix = 'damaged/';
    const stateDir = join(ws.dir, 'state-damaged');
    const dbFile = join(stateDir, 'state.sqlite3');
    const args = [...targetArgs(config), '--endpoint', proxy.endpoint, '--concurrency', String(CONCURRENCY), '--part-size', '5MiB'];
    const env = cliEnv(config, stateDir, { AWS_ENDPOINT_URL: proxy.endpoint });
    const from = proxy.requests.length;

    const first = await runKillable(['upload', root, `s3://${ws.bucket}/${prefix}`, ...args, '--if-exists', 'overwrite'], env, { kind: 'crash-at', point: 'part-recorded:4' });
    expect(first.killed, first.run.stderr).toBe(true);
    // The killed process left its commits in the WAL: fold them into the file, which is what gets damaged.
    const checkpoint = new Database(dbFile);
    checkpoint.pragma('wal_checkpoint(TRUNCATE)');
    checkpoint.close();
    const before = recordedBeforeDamage(dbFile, ws.bucket);
    expect(before.sent.filter((what) => what.includes('/dir')).length, 'small files sent before the kill').toBeGreaterThan(0);
    expect(before.sent.filter((what) => what.includes('#')).length, "big files' parts sent before the kill").toBeGreaterThanOrEqual(3);
    expect(before.unfinishedChildren).toBeGreaterThan(0);
    expect((await listUnfinishedUploads(client, ws.bucket)).length).toBeGreaterThan(0);
    // Where the folder's files and the parts were recorded: neither is read back, the server has them.
    overwritePage(dbFile, rootPageOf(dbFile, 'folder_files'), 21);
    overwritePage(dbFile, rootPageOf(dbFile, 'parts'), 22);

    const resumed = await runCli(['resume', ...args], env);

    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/^hoist: the state database was damaged \(.+\); it was moved aside to .+ and a new one started\. 1 folder, \d+ uploads?, 0 targets and 0 settings could be read from it/m);
    const escapedRoot = root.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    expect(resumed.stderr).toMatch(
      new RegExp(
        `^hoist: rebuilt folder [0-9a-f]{12} of ${escapedRoot} to s3://${ws.bucket}/${prefix}: its files are checked against the server's listing and only those not there are sent; objects already there with the same bytes are skipped, not overwritten; resume continues it$`,
        'm',
      ),
    );
    // Every big file's upload is left to the folder: adopted by its run, or aborted here when it holds no part (none could adopt it).
    const adopting = /^hoist: (\d+) unfinished uploads? of (?:a )?big files? in (?:a )?folders?: rebuilt with/m.exec(resumed.stderr)?.[1] ?? '0';
    const aborted = /^hoist: (\d+) unfinished uploads? of (?:a )?big files? in (?:a )?folders? had no part on the server: aborted/m.exec(resumed.stderr)?.[1] ?? '0';
    expect(Number(adopting) + Number(aborted), resumed.stderr).toBe(before.unfinishedChildren);
    expect(resumed.stderr).not.toMatch(/not rebuilt|rebuilt upload/);
    const completed = /^completed folder [0-9a-f]{12} \S+ \((\d+) file\(s\) sent \(.*\), (\d+) already there/m.exec(resumed.stdout);
    expect(completed, resumed.stdout + resumed.stderr).not.toBeNull();
    expect(Number(completed?.[2])).toBeGreaterThanOrEqual(before.sent.filter((what) => !what.includes('#')).length);

    expect(entries(await serverListing(client, ws.bucket, prefix))).toEqual(entries(localListing(root)));
    expect(await listUnfinishedUploads(client, ws.bucket)).toEqual([]);
    const counts = sends(from);
    // What the killed run had recorded as sent went out once, in the killed run: the resume found it on the server.
    const again = before.sent.filter((what) => counts.get(what) !== 1);
    expect(again, JSON.stringify(again.map((what) => [what, counts.get(what)]))).toEqual([]);
    // Sent twice: only what was on its way when the process died.
    const twice = [...counts].filter(([, count]) => count > 1);
    expect(twice.length, JSON.stringify(twice)).toBeLessThanOrEqual(CONCURRENCY);
    expect(twice.every(([, count]) => count === 2), JSON.stringify(twice)).toBe(true);
    expect(integrityCheck(stateDir)).toBe('ok');
  });
});
