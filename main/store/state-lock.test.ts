import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireStateLock, STATE_LOCK_FILE, StateLockHeldError } from './state-lock.ts';
import type { StateLock } from './state-lock.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
let work = '';
let holderScript = '';

/** Another process holding the lock: this module, bundled, run by plain Node. */
beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'hoist-lock-'));
  holderScript = join(work, 'holder.cjs');
  await build({
    stdin: {
      contents: `import { acquireStateLock } from './state-lock.ts';
        acquireStateLock(process.argv[2], 'test holder');
        process.stdout.write('held\\n');
        setInterval(() => {}, 1000);`,
      resolveDir: join(root, 'main', 'store'),
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    external: ['better-sqlite3'],
    outfile: holderScript,
    logLevel: 'silent',
  });
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

function startHolder(stateDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [holderScript, stateDir], {
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('held')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`the holder exited (${code}): ${stderr}`)));
  });
}

function killed(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

function refusal(stateDir: string): StateLockHeldError {
  try {
    acquireStateLock(stateDir, 'second').release();
  } catch (error) {
    if (error instanceof StateLockHeldError) return error;
    throw error;
  }
  throw new Error('the second writer was not refused');
}

describe('acquireStateLock', () => {
  let stateDir = '';
  const locks: StateLock[] = [];
  const children: ChildProcess[] = [];

  beforeEach(() => {
    stateDir = mkdtempSync(join(work, 'state-'));
  });

  afterEach(async () => {
    for (const lock of locks.splice(0)) lock.release();
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) await killed(child);
  });

  it('makes one writer: a second acquisition in this process is refused until the first is released', () => {
    locks.push(acquireStateLock(stateDir, 'first'));
    const error = refusal(stateDir);
    expect(error.message).toMatch(new RegExp(`^another Hoist \\(pid ${process.pid}, this process\\) is using the state directory ${stateDir}; `));
    locks.pop()?.release();
    locks.push(acquireStateLock(stateDir, 'again'));
  });

  it('refuses while another process holds it, naming its pid and what it does', async () => {
    const holder = await startHolder(stateDir);
    children.push(holder);
    const error = refusal(stateDir);
    expect(error.owner).toMatchObject({ pid: holder.pid, what: 'test holder' });
    expect(error.message).toContain(`another Hoist (pid ${holder.pid}, test holder) is using the state directory ${stateDir}`);
    expect(error.message).toMatch(/status` works meanwhile/);
  });

  it('is free again the moment its holder is killed (SIGKILL): a stale lock never blocks', async () => {
    const holder = await startHolder(stateDir);
    children.push(holder);
    refusal(stateDir);
    await killed(holder);
    const lock = acquireStateLock(stateDir, 'after the kill');
    locks.push(lock);
    // The file still names the dead holder until the new owner's row replaces it; it now names us.
    const db = new Database(lock.file, { readonly: true });
    try {
      expect(db.prepare('SELECT pid, what FROM owner').all()).toEqual([{ pid: process.pid, what: 'after the kill' }]);
    } finally {
      db.close();
    }
  });

  it('ignores a lock file naming a process that is gone (stale PID)', async () => {
    const file = join(stateDir, STATE_LOCK_FILE);
    const db = new Database(file);
    db.exec('CREATE TABLE owner (pid INTEGER NOT NULL, host TEXT NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)');
    db.prepare('INSERT INTO owner VALUES (?, ?, ?, ?)').run(2 ** 22 + 12345, 'gone-host', 'a crashed hoist', 1);
    db.close();
    locks.push(acquireStateLock(stateDir, 'fresh'));
    expect(refusal(stateDir).owner).toMatchObject({ pid: process.pid });
  });

  it('names no pid when the holder has not recorded itself yet, rather than a wrong one', async () => {
    const file = join(stateDir, STATE_LOCK_FILE);
    const raw = new Database(file);
    raw.exec('CREATE TABLE owner (pid INTEGER NOT NULL, host TEXT NOT NULL, what TEXT NOT NULL, since INTEGER NOT NULL)');
    raw.exec('BEGIN IMMEDIATE');
    try {
      expect(refusal(stateDir).message).toMatch(/^another Hoist \(process unknown\) is using the state directory/);
    } finally {
      raw.close();
    }
  });

  it('says a damaged lock file is damaged, and does not delete it', () => {
    const file = join(stateDir, STATE_LOCK_FILE);
    writeFileSync(file, 'this is not a database '.repeat(300));
    expect(() => acquireStateLock(stateDir, 'x')).toThrow(/the lock file .*state\.lock is damaged: make sure no other Hoist is running, delete it/);
  });

  it('creates the state directory, private', () => {
    const dir = join(stateDir, 'new', 'deeper');
    locks.push(acquireStateLock(dir, 'x'));
    expect(refusal(dir)).toBeInstanceOf(StateLockHeldError);
  });
});
