import { defineConfig } from '@playwright/test';

// The UI end to end: Debian's Chromium (never a downloaded browser) against the
// headless app (the real engine, the real UI) and a real S3 server (the local
// Ceph RGW unless HOIST_TEST_S3_* names another). Each test starts its own
// headless app on a random port with its own state directory.
export default defineConfig({
  testDir: 'e2e/ui',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/ui',
  globalSetup: './e2e/ui/support/global-setup.ts',
  // The tests start and kill processes against one S3 server: one at a time.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 180_000,
  expect: { timeout: 30_000, toPass: { timeout: 60_000 } },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    headless: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-quic', '--disable-sync'],
    },
    viewport: { width: 1280, height: 860 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    actionTimeout: 15_000,
  },
});
