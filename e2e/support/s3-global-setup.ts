import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { ensureTestS3Server } from './rgw-server.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * Builds the CLI bundle the tests spawn, and makes sure there is an S3 server:
 * the endpoint from HOIST_TEST_S3_* if given, otherwise the local RGW (started
 * here and stopped afterwards, unless it was already running).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const { buildTarget } = (await import(join(root, 'scripts', 'build.mjs'))) as { buildTarget: (target: string) => Promise<void> };
  await buildTarget('cli');

  const server = ensureTestS3Server(process.env);
  project.provide('s3Config', server.config);
  return () => server.stop();
}
