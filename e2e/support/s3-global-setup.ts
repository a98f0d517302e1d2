import { execFileSync } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { s3ConfigFromEnv } from './s3-test-config.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const serverScript = join(root, 'scripts', 's3-test-server.sh');

function parseExports(text: string): NodeJS.ProcessEnv {
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

/**
 * Builds the CLI bundle the tests spawn, and makes sure there is an S3 server:
 * the endpoint from HOIST_TEST_S3_* if given, otherwise the local RGW (started
 * here and stopped afterwards, unless it was already running).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const { buildTarget } = (await import(join(root, 'scripts', 'build.mjs'))) as { buildTarget: (target: string) => Promise<void> };
  await buildTarget('cli');

  let config = s3ConfigFromEnv(process.env);
  let startedHere = false;
  if (!config) {
    startedHere = !serverRunning();
    const output = execFileSync('bash', [serverScript, 'start'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    config = s3ConfigFromEnv(parseExports(output));
    if (!config) throw new Error(`scripts/s3-test-server.sh start printed no endpoint:\n${output}`);
  }
  project.provide('s3Config', config);
  return () => {
    if (startedHere) execFileSync('bash', [serverScript, 'stop'], { stdio: 'inherit' });
  };
}
