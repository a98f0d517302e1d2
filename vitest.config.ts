import { defineConfig } from 'vitest/config';

// Two projects: `unit` runs anywhere in plain Node; `s3` talks to a real S3
// server (Ceph RGW locally, or any endpoint given by HOIST_TEST_S3_* env vars).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['main/**/*.test.ts', 'shared/**/*.test.ts', 'preload/**/*.test.ts', 'scripts/**/*.test.ts'],
          exclude: ['**/*.s3.test.ts', 'node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 's3',
          include: ['main/**/*.s3.test.ts', 'e2e/cli/**/*.s3.test.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 120_000,
          globalSetup: ['e2e/support/s3-global-setup.ts'],
          // The crash tests spawn real CLI processes against one server; run files one at a time.
          fileParallelism: false,
        },
      },
      {
        test: {
          // The UI, against a fake bridge in jsdom: no Electron, no server.
          name: 'renderer',
          include: ['renderer/**/*.test.tsx', 'renderer/**/*.test.ts'],
          environment: 'jsdom',
          setupFiles: ['renderer/src/test/setup.ts'],
        },
      },
    ],
  },
});
