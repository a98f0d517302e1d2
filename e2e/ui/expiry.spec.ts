// The server discards unfinished uploads after the target's expiry (a lifecycle
// rule): the UI warns while there is still time to finish.
import { join } from 'node:path';
import { makeRandomFile } from '../support/files.ts';
import { addByPath, expect, MiB, openUi, prepareApp, rowById, screen, test, waitForProgress } from './support/fixtures.ts';

test('an unfinished upload expiring within the warning threshold shows the expiry banner', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  await prepareApp(app, s3, { target: { expiryDays: 1 }, settings: { expiryWarningHours: 48 } });
  await openUi(page, app);
  await expect(page.getByTestId('expiry-banner')).toHaveCount(0);

  const file = join(workDir, 'ui-expiry.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  const row = rowById(page, id);
  await waitForProgress(row, 0, 90);
  await row.getByTestId('row-pause').click();
  await expect(row).toHaveAttribute('data-state', 'paused');

  const banner = page.getByTestId('expiry-banner');
  await expect(banner).toBeVisible();
  await expect(banner).toContainText('1 unfinished upload will be discarded by the server within 48 h');
  await expect(banner).toContainText('ui-expiry.bin');
  await expect(row.getByTestId('row-expires')).toContainText('expires');
  const [view] = (await app.invoke('uploads.list', {})).filter((upload) => upload.id === id);
  const hoursLeft = (Date.parse(view?.expiresAt ?? '') - Date.now()) / 3600_000;
  expect(hoursLeft).toBeGreaterThan(23);
  expect(hoursLeft).toBeLessThanOrEqual(24);
  await screen(page, 'expiry-warning');

  // A threshold shorter than the time left: no warning.
  const settings = page.getByTestId('settings-panel');
  await settings.getByTestId('settings-expiry-warning-hours').fill('12');
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByTestId('settings-status')).toHaveText('Saved.');
  await expect(banner).toHaveCount(0);

  await row.getByTestId('row-cancel').click();
  await expect(row).toHaveCount(0);
});
