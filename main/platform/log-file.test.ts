import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogFile, teeLog } from './log-file.ts';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hoist-log-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const at = () => new Date('2030-01-02T03:04:05.678Z');

describe('LogFile', () => {
  it('writes one timestamped line per entry, secrets masked, readable by the user only', () => {
    const dir = tempDir();
    const log = new LogFile({ path: join(dir, 'logs', 'hoist.log'), now: at });
    log.write('upload u1 completed');
    log.write(`target t1 failed:\nthe key ${SECRET} was refused`);
    log.close();
    expect(readFileSync(join(dir, 'logs', 'hoist.log'), 'utf8')).toBe(
      '2030-01-02T03:04:05.678Z upload u1 completed\n2030-01-02T03:04:05.678Z target t1 failed: | the key [redacted] was refused\n',
    );
    expect(statSync(join(dir, 'logs', 'hoist.log')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('appends to the file an earlier run left, and makes it private', () => {
    const dir = tempDir();
    const path = join(dir, 'hoist.log');
    writeFileSync(path, 'earlier\n');
    chmodSync(path, 0o644);
    const log = new LogFile({ path, now: at });
    log.write('later');
    log.close();
    expect(readFileSync(path, 'utf8')).toBe('earlier\n2030-01-02T03:04:05.678Z later\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('rotates before the size cap and keeps only the newest files', () => {
    const dir = tempDir();
    const path = join(dir, 'hoist.log');
    // Each entry is 25 + 1 + 9 + 1 = 36 bytes: two fit in 80, a third rotates.
    const log = new LogFile({ path, maxBytes: 80, keep: 2, now: at });
    for (let n = 0; n < 9; n++) log.write(`entry ${String(n).padStart(3, '0')}`);
    log.close();
    expect(readdirSync(dir).sort()).toEqual(['hoist.log', 'hoist.log.1', 'hoist.log.2']);
    const entries = (file: string) => readFileSync(join(dir, file), 'utf8').trim().split('\n').map((line) => line.slice(25));
    expect(entries('hoist.log.2')).toEqual(['entry 004', 'entry 005']);
    expect(entries('hoist.log.1')).toEqual(['entry 006', 'entry 007']);
    expect(entries('hoist.log')).toEqual(['entry 008']);
    for (const file of readdirSync(dir)) {
      expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(80);
      expect(statSync(join(dir, file)).mode & 0o777).toBe(0o600);
    }
  });

  it('never throws: a file that cannot be written is reported once and then left alone', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'not-a-dir'), '');
    const reported: string[] = [];
    const log = new LogFile({ path: join(dir, 'not-a-dir', 'hoist.log'), onError: (message) => reported.push(message) });
    const passedOn: string[] = [];
    const tee = teeLog(log, (message) => passedOn.push(message));
    tee('one');
    tee('two');
    expect(reported).toEqual([expect.stringMatching(/^cannot write the log file .*not-a-dir\/hoist\.log: E(EXIST|NOTDIR)/)]);
    expect(passedOn).toEqual(['one', 'two']);
  });
});
