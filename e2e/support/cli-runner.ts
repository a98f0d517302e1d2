import { spawn } from 'node:child_process';
import type { ChildProcess, SpawnOptions } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import type { S3TestConfig } from './s3-test-config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Built by the global setup from main/cli. */
export const CLI_BUNDLE = join(root, 'dist', 'cli', 'hoist.mjs');

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment a spawned CLI sees: the test server's keys through the
 * standard AWS variables, and nothing of the developer's own AWS setup.
 */
export function cliEnv(config: S3TestConfig, stateDir: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: stateDir,
    HOIST_STATE_DIR: stateDir,
    AWS_ACCESS_KEY_ID: config.accessKeyId,
    AWS_SECRET_ACCESS_KEY: config.secretAccessKey,
    AWS_REGION: config.region,
    AWS_CONFIG_FILE: join(stateDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(stateDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...extra,
  };
  if (config.endpoint) env.AWS_ENDPOINT_URL = config.endpoint;
  return env;
}

/** Flags every test passes for the target (path-style for RGW). */
export function targetArgs(config: S3TestConfig): string[] {
  return config.pathStyle ? ['--path-style'] : [];
}

export function spawnCli(args: readonly string[], env: NodeJS.ProcessEnv, options: Pick<SpawnOptions, 'uid' | 'gid'> = {}): { child: ChildProcess; done: Promise<CliRun> } {
  const child = spawn(process.execPath, [CLI_BUNDLE, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...options });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<CliRun>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, options: Pick<SpawnOptions, 'uid' | 'gid'> = {}): Promise<CliRun> {
  return spawnCli(args, env, options).done;
}

/** Parses the one JSON document the CLI prints with --json. */
export function jsonOutput<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`expected JSON on stdout, got:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

export interface StatusEntry {
  id: string;
  path: string;
  bucket: string;
  key: string;
  state: string;
  bytesDone: number;
  bytesTotal: number;
  partsDone: number;
  partsTotal: number;
  startedAt: string;
  restarts: number;
  lastError: string | null;
  uploadId: string | null;
}

export interface ResultEntry {
  id: string;
  outcome: string;
  error: string | null;
  bytesSent: number;
  partsSkipped: number;
  restarted: boolean;
}

/** Reads the state database directly (read-only), as another process would: for kill points and consistency checks. */
export function readPartStates(stateDir: string): Array<{ upload_record_id: string; part_number: number; size: number; state: string }> {
  const db = new Database(join(stateDir, 'state.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT upload_record_id, part_number, size, state FROM parts ORDER BY part_number').all() as Array<{
      upload_record_id: string;
      part_number: number;
      size: number;
      state: string;
    }>;
  } finally {
    db.close();
  }
}

/** Every upload event recorded in the state database, oldest first (read-only, as another process would). */
export function readEvents(stateDir: string): Array<{ kind: string; message: string }> {
  const db = new Database(join(stateDir, 'state.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare('SELECT kind, message FROM events ORDER BY at, id').all() as Array<{ kind: string; message: string }>;
  } finally {
    db.close();
  }
}

export function integrityCheck(stateDir: string): string {
  const db = new Database(join(stateDir, 'state.sqlite3'), { readonly: true, fileMustExist: true });
  try {
    return db.pragma('integrity_check', { simple: true }) as string;
  } finally {
    db.close();
  }
}
