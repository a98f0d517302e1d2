// Headless mode adds files without typing paths: Browse… lists the folders of
// the machine Hoist runs on (from the home folder), the user ticks a file and
// a folder, and both upload. The drop area says what works there.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { expect, MiB, openUi, prepareApp, rows, screen, test } from './support/fixtures.ts';
import { objectDigest } from './support/s3.ts';

test('Browse… picks a file and a folder on the Hoist machine and uploads them; the state directory is not shown', async ({ page, s3, hoist, workDir }) => {
  await mkdir(join(workDir, 'data', 'pictures'), { recursive: true });
  await makeRandomFile(join(workDir, 'data', 'report.bin'), 3 * MiB);
  await makeRandomFile(join(workDir, 'data', 'pictures', 'a.jpg'), 64 * 1024);
  await makeRandomFile(join(workDir, 'data', 'pictures', 'b.jpg'), 32 * 1024);
  // The home folder holds the state directory (workDir/state): it must not be listed.
  const app = await hoist.start({ env: { HOME: workDir } });
  await prepareApp(app, s3, { settings: { bandwidthLimitKiBps: 0 } });
  await openUi(page, app);
  await expect(page.getByTestId('queue-empty')).toContainText('Use Browse…');
  await expect(page.getByTestId('queue-empty')).toContainText('Dropping files here cannot work');

  await page.getByTestId('browse-open').click();
  const browser = page.getByTestId('file-browser');
  await expect(browser.getByTestId('browse-path')).toHaveText(workDir);
  await expect(browser.locator('[data-testid="browse-entry"][data-name="data"]')).toBeVisible();
  await expect(browser.locator('[data-testid="browse-entry"][data-name="state"]')).toHaveCount(0);

  await browser.locator('[data-testid="browse-entry"][data-name="data"]').getByTestId('browse-enter').click();
  await expect(browser.getByTestId('browse-path')).toHaveText(join(workDir, 'data'));
  await expect(browser.locator('[data-testid="browse-entry"][data-name="report.bin"]')).toContainText('3.0 MiB');
  await browser.locator('[data-testid="browse-entry"][data-name="report.bin"]').getByTestId('browse-select').check();
  await browser.locator('[data-testid="browse-entry"][data-name="pictures"]').getByTestId('browse-select').check();
  await expect(browser.getByTestId('browse-add')).toHaveText('Add 2 selected');
  await screen(page, 'browse-picker');
  await browser.getByTestId('browse-add').click();
  await expect(browser).toHaveCount(0);

  const file = rows(page).filter({ hasText: 'report.bin' });
  await expect(file).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  const folder = page.getByTestId('folder-row');
  await expect(folder).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  expect(await objectDigest(s3.client, s3.bucket, 'report.bin')).toEqual(await fileDigest(join(workDir, 'data', 'report.bin')));
  expect(await objectDigest(s3.client, s3.bucket, 'pictures/a.jpg')).toEqual(await fileDigest(join(workDir, 'data', 'pictures', 'a.jpg')));

  // Behind the token, and never the state directory, whatever the page asks.
  expect((await app.invokeRaw('files.browse', { path: join(workDir, 'state') })).body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  expect((await app.invokeRaw('files.browse', { path: '/proc' })).body).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  const noToken = await fetch(`${app.origin}/api/invoke/files.browse`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(noToken.status).toBe(401);
});
