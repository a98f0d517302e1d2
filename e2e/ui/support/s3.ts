// The UI suite's S3 access: the shared helpers, and the config the global setup
// put in process.env (Playwright workers inherit it; vitest's inject() is not here).
import { s3ConfigFromEnv } from '../../support/s3-test-config.ts';
import type { S3TestConfig } from '../../support/s3-test-config.ts';

export * from '../../support/s3-helpers.ts';

/** Set by the global setup (e2e/ui/support/global-setup.ts) in process.env, which the workers inherit. */
export function s3ConfigForUi(): S3TestConfig {
  const config = s3ConfigFromEnv(process.env);
  if (!config) throw new Error('no HOIST_TEST_S3_* in the environment: run the UI tests with `npx playwright test` (its global setup starts the S3 server)');
  return config;
}
