// A wrong target is said at once and rescued by fixing it: saving checks the
// target field by field, a row whose requests are refused says it is retrying
// and why (not "Queued"/"Uploading"), and an upload that sent nothing follows
// the fixed target.
import { join } from 'node:path';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { addByPath, expect, expectCompleted, MiB, openUi, prepareApp, rowById, screen, test } from './support/fixtures.ts';
import { objectDigest } from './support/s3.ts';
import { deadPort } from '../support/dead-port.ts';

test('an endpoint that refuses: the row says it is retrying and why; fixing the target in the form sends it there', async ({ page, s3, hoist, workDir }) => {
  const dead = await deadPort();
  const app = await hoist.start();
  await prepareApp(app, s3, { target: { endpoint: `http://127.0.0.1:${dead}` }, settings: { bandwidthLimitKiBps: 0 } });
  await openUi(page, app);
  const file = join(workDir, 'ui-refused.bin');
  await makeRandomFile(file, 12 * MiB);
  const id = await addByPath(page, file);
  const row = rowById(page, id);

  await expect(row.getByTestId('row-state')).toHaveText('Retrying');
  await expect(row.getByTestId('row-retrying')).toHaveText(new RegExp(`^Retrying (in \\d+ s|now): connection refused by 127\\.0\\.0\\.1:${dead} .*attempt \\d+ of 10$`));
  await expect(row.getByTestId('row-speed')).toHaveCount(0);
  await screen(page, 'row-retrying');

  // Fix the endpoint in the form (headless asks first), and the check says it answers now.
  const panel = page.getByTestId('targets-panel');
  await panel.getByTestId('target-edit').click();
  await panel.getByTestId('target-endpoint').fill(s3.config.endpoint ?? '');
  await panel.getByTestId('target-save').click();
  await page.getByRole('alertdialog').getByTestId('target-change-yes').click();
  await expect(page.getByTestId('target-form-status')).toHaveText(/^Saved “Test RGW”: reached bucket/);

  // Nothing was sent to the dead port: stopped and started again, it goes where the target points now.
  await row.getByTestId('row-pause').click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  await row.getByTestId('row-resume').click();
  await expectCompleted(row);
  expect(await objectDigest(s3.client, s3.bucket, 'ui-refused.bin')).toEqual(await fileDigest(file));
  expect((await app.invoke('uploads.list', {})).find((view) => view.id === id)?.endpoint).toBe(s3.config.endpoint);
});

test('saving a target whose bucket does not exist: saved, and the problem shown under Bucket', async ({ page, s3, hoist }) => {
  const app = await hoist.start();
  await openUi(page, app);
  const panel = page.getByTestId('targets-panel');
  await panel.getByTestId('target-name').fill('Typo');
  await panel.getByTestId('target-endpoint').fill(s3.config.endpoint ?? '');
  await panel.getByTestId('target-region').fill(s3.config.region);
  await panel.getByTestId('target-bucket').fill(`${s3.bucket}-typo`);
  await panel.getByTestId('target-path-style').setChecked(s3.config.pathStyle);
  await panel.getByTestId('target-save').click();

  await expect(panel.getByTestId('target-item')).toHaveCount(1);
  await expect(panel.getByTestId('target-bucket')).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByTestId('field-error')).toHaveText(`Saved, but trying it failed: bucket "${s3.bucket}-typo" not found at ${s3.config.endpoint} (ListObjectsV2: NoSuchBucket 404)`);
  await screen(page, 'target-check-bucket');

  // Fixed in the same form: the check passes and the form empties.
  await panel.getByTestId('target-bucket').fill(s3.bucket);
  await panel.getByTestId('target-save').click();
  await expect(page.getByTestId('target-form-status')).toHaveText(/^Saved “Typo”: reached bucket/);
  await expect(panel.getByTestId('target-item')).toHaveCount(1);
  await expect(panel.getByTestId('target-item')).toContainText(s3.bucket);
});
