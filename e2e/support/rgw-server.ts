import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { s3ConfigFromEnv } from './s3-test-config.ts';
import type { S3TestConfig } from './s3-test-config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverScript = join(root, 'scripts', 's3-test-server.sh');

/** The `export NAME=value` lines scripts/s3-test-server.sh prints, as an environment. */
export function parseExports(text: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const match of text.matchAll(/^export ([A-Z0-9_]+)=(.*)$/gm)) env[match[1] as string] = (match[2] as string).replace(/^['"]|['"]$/g, '');
  return env;
}

function serverRunning(): boolean {
  try {
    execFileSync('bash', [serverScript, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export interface TestS3Server {
  config: S3TestConfig;
  /** The HOIST_TEST_S3_* variables that describe it (empty when they came from the environment). */
  env: NodeJS.ProcessEnv;
  /** Stops the local RGW if this call started it; otherwise does nothing. */
  stop(): void;
}

/**
 * An S3 server for the tests: the endpoint from HOIST_TEST_S3_* if given,
 * otherwise the local RGW (scripts/s3-test-server.sh; HOIST_S3_TEST_DIR picks
 * its state directory), started here unless it was already running.
 */
export function ensureTestS3Server(env: NodeJS.ProcessEnv = process.env): TestS3Server {
  const given = s3ConfigFromEnv(env);
  if (given) return { config: given, env: {}, stop: () => undefined };
  const startedHere = !serverRunning();
  const output = execFileSync('bash', [serverScript, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const exported = parseExports(output);
  const config = s3ConfigFromEnv(exported);
  if (!config) throw new Error(`scripts/s3-test-server.sh start printed no endpoint:\n${output}`);
  return {
    config,
    env: exported,
    stop: () => {
      if (startedHere) execFileSync('bash', [serverScript, 'stop'], { stdio: 'inherit' });
    },
  };
}
