import { defineConfig } from '@playwright/test';

// The desktop app end to end: the real Electron main, preload and renderer,
// driven by Playwright's _electron. Needs an Electron binary (`npx electron
// --version` works; better-sqlite3's shipped Node-API binary loads in it as it
// is); without a binary every test skips. On Linux without a display run it
// under xvfb-run.
export default defineConfig({
  // Relative to this file: e2e/electron.
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: '../../test-results/electron',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
});
