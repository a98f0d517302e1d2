// Playwright global setup for the UI suite: an S3 server (HOIST_TEST_S3_* if
// given, else the local RGW, started here and stopped in the teardown unless it
// was already running) and fresh builds of the renderer and the headless bundle.
// The server's HOIST_TEST_S3_* variables go into process.env, which the test
// workers inherit (see s3ConfigForUi).
import { join, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureTestS3Server } from '../../support/rgw-server.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export default async function globalSetup(): Promise<() => Promise<void>> {
  const { ensureHeadlessBuilt } = (await import(pathToFileURL(join(root, 'scripts', 'headless.mjs')).href)) as {
    ensureHeadlessBuilt: (options?: { force?: boolean }) => Promise<void>;
  };
  await ensureHeadlessBuilt();

  const server = ensureTestS3Server(process.env);
  Object.assign(process.env, server.env);
  return async () => server.stop();
}
