// Playwright fixtures for the UI suite:
// - `s3` (per worker): the test server's config, an SDK client and a bucket of
//   its own, removed with everything in it at the end;
// - `workDir` (per test): a temp directory for files and state directories;
// - `hoist` (per test): starts headless apps (again on the same state dir to
//   simulate a restart) and stops every one still running at the end, attaching
//   its output to the report.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test as base, expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Settings, Target } from '../../../shared/ipc-contract.ts';
import { makeTempDir } from '../../support/files.ts';
import type { S3TestConfig } from '../../support/s3-test-config.ts';
import { saveSettings, saveTarget, startHeadlessApp, testTarget } from './headless-app.ts';
import type { HeadlessApp } from './headless-app.ts';
import { createTestBucket, removeTestBucket, s3ConfigForUi, testClient } from './s3.ts';

export interface S3Workspace {
  config: S3TestConfig;
  client: S3Client;
  bucket: string;
}

export interface HoistLauncher {
  /** Starts a headless app; the default state dir is the test's own `state` folder. */
  start(options?: { stateDir?: string; env?: NodeJS.ProcessEnv; port?: number; args?: readonly string[] }): Promise<HeadlessApp>;
  /** The state dir start() uses by default. */
  readonly stateDir: string;
}

export const MiB = 1024 * 1024;

export const test = base.extend<{ workDir: string; hoist: HoistLauncher }, { s3: S3Workspace }>({
  s3: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const config = s3ConfigForUi();
      const client = testClient(config);
      const bucket = await createTestBucket(client, config, 'ui');
      await use({ config, client, bucket });
      await removeTestBucket(client, bucket);
      client.destroy();
    },
    { scope: 'worker' },
  ],

  // eslint-disable-next-line no-empty-pattern
  workDir: async ({}, use) => {
    const temp = await makeTempDir('hoist-ui-');
    await use(temp.dir);
    await temp.remove();
  },

  hoist: async ({ s3, workDir }, use, testInfo) => {
    const started: HeadlessApp[] = [];
    const stateDir = join(workDir, 'state');
    await mkdir(stateDir, { recursive: true });
    await use({
      stateDir,
      async start(options = {}) {
        const app = await startHeadlessApp({
          config: s3.config,
          stateDir: options.stateDir ?? stateDir,
          ...(options.env ? { env: options.env } : {}),
          ...(options.port !== undefined ? { port: options.port } : {}),
          ...(options.args ? { args: options.args } : {}),
        });
        started.push(app);
        return app;
      },
    });
    const crashed: string[] = [];
    for (const [index, app] of started.entries()) {
      const crash = app.unexpectedExit();
      const exit = await app.kill('SIGTERM');
      await testInfo.attach(`headless-app-${index + 1}.log`, { body: `${app.output()}\n--- exit: ${JSON.stringify(exit)}\n`, contentType: 'text/plain' });
      if (crash) crashed.push(`headless app ${index + 1} ended by itself (${JSON.stringify(crash)}):\n${app.output().slice(-3000)}`);
    }
    // A crash of the app is the failure to report, whatever the page showed afterwards.
    if (crashed.length > 0) throw new Error(crashed.join('\n\n'));
  },
});

export { expect };

// ------------------------------------------------------------------ set-up through the API

/**
 * What most tests want before they open the page: the test target (via
 * targets.save with the token) and small parts. A bandwidth limit keeps a
 * 60 MiB upload running for several seconds, long enough to see it move,
 * pause it or kill the process in the middle.
 */
export async function prepareApp(app: HeadlessApp, s3: S3Workspace, options: { target?: Partial<Target>; settings?: Partial<Settings> } = {}): Promise<Target> {
  const target = testTarget(s3.config, s3.bucket, options.target);
  await saveTarget(app, target);
  await saveSettings(app, { partSizeMiB: 5, concurrency: 2, bandwidthLimitKiBps: 8 * 1024, ...options.settings });
  return target;
}

// ------------------------------------------------------------------ the page

/** Adds the test target through the Targets panel, as a person would; returns its id. */
export async function createTargetInUi(page: Page, s3: S3Workspace, name = 'Test RGW'): Promise<string> {
  const panel = page.getByTestId('targets-panel');
  const before = await panel.getByTestId('target-item').count();
  await panel.getByTestId('target-name').fill(name);
  await panel.getByTestId('target-endpoint').fill(s3.config.endpoint ?? '');
  await panel.getByTestId('target-region').fill(s3.config.region);
  await panel.getByTestId('target-bucket').fill(s3.bucket);
  await panel.getByTestId('target-path-style').setChecked(s3.config.pathStyle);
  await panel.getByTestId('target-cred-chain').check();
  await panel.getByTestId('target-save').click();
  await expect(panel.getByTestId('target-item')).toHaveCount(before + 1);
  const item = panel.getByTestId('target-item').filter({ hasText: name });
  return (await item.getAttribute('data-target-id')) ?? '';
}

export const SCREENS_DIR = join('test-results', 'ui', 'screens');

/** A screenshot of the main screen, kept as a test artifact in test-results/ui/screens/. */
export async function screen(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENS_DIR, `${name}.png`), fullPage: true });
}

/** Opens the app's URL and waits until the queue has loaded. */
export async function openUi(page: Page, app: HeadlessApp): Promise<void> {
  await page.goto(app.url);
  await expect(page.getByTestId('queue')).toBeVisible();
  await expect(page.getByTestId('queue')).not.toContainText('Loading…');
}

export function rows(page: Page): Locator {
  return page.getByTestId('upload-row');
}

export function rowById(page: Page, id: string): Locator {
  return page.locator(`[data-testid="upload-row"][data-upload-id="${id}"]`);
}

/** Adds a file by typing its path (headless has no file dialog); returns the new row's upload id. */
export async function addByPath(page: Page, path: string, targetId = 'rgw'): Promise<string> {
  const before = new Set(await rows(page).evaluateAll((elements) => elements.map((element) => element.getAttribute('data-upload-id'))));
  await page.getByTestId('target-select').selectOption(targetId);
  await page.getByTestId('add-path-input').fill(path);
  await page.getByTestId('add-button').click();
  await expect(page.getByTestId('add-path-input')).toHaveValue('');
  let id: string | undefined;
  await expect(async () => {
    const now = await rows(page).evaluateAll((elements) => elements.map((element) => element.getAttribute('data-upload-id')));
    id = now.find((candidate): candidate is string => candidate !== null && !before.has(candidate));
    expect(id, 'a new row').toBeTruthy();
  }).toPass();
  return id as string;
}

export async function progressOf(row: Locator): Promise<number> {
  return Number(await row.getByRole('progressbar').getAttribute('aria-valuenow'));
}

/** Waits until the row's progress is strictly between the bounds (in percent). */
export async function waitForProgress(row: Locator, above: number, below = 100): Promise<number> {
  let value = 0;
  await expect(async () => {
    value = await progressOf(row);
    expect(value).toBeGreaterThan(above);
    expect(value).toBeLessThan(below);
  }).toPass({ intervals: [50, 100, 200] });
  return value;
}

export async function expectCompleted(row: Locator): Promise<void> {
  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 90_000 });
  expect(await progressOf(row)).toBe(100);
}
