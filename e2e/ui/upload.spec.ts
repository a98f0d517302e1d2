// Adding, pausing, resuming and cancelling uploads through the UI, with the
// real engine against the real S3 server.
import { join } from 'node:path';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { addByPath, createTargetInUi, expect, expectCompleted, MiB, openUi, prepareApp, progressOf, rowById, rows, screen, test, waitForProgress } from './support/fixtures.ts';
import { listUnfinishedUploads, objectDigest, objectExists } from './support/s3.ts';

test('a file added by path uploads with moving progress, completes, and the object equals the file', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  await openUi(page, app);
  await expect(rows(page)).toHaveCount(0);
  await expect(page.getByTestId('queue')).toContainText('No uploads yet');
  await screen(page, 'empty');

  // The target and the settings, through the UI as a person would set them up.
  const targetId = await createTargetInUi(page, s3);
  expect(await app.invoke('targets.list', {})).toEqual([expect.objectContaining({ id: targetId, bucket: s3.bucket, pathStyle: s3.config.pathStyle, credentials: { kind: 'chain' }, hasSecret: false })]);

  const settings = page.getByTestId('settings-panel');
  await settings.getByTestId('settings-part-size').fill('5');
  await settings.getByTestId('settings-concurrency').fill('2');
  // Slow enough (8 MiB/s) to watch 60 MiB move for several seconds.
  await settings.getByTestId('settings-bandwidth').fill(String(8 * 1024));
  await settings.getByTestId('settings-save').click();
  await expect(settings.getByTestId('settings-status')).toHaveText('Saved.');
  expect(await app.invoke('settings.get', {})).toMatchObject({ partSizeMiB: 5, concurrency: 2, bandwidthLimitKiBps: 8 * 1024 });

  const file = join(workDir, 'ui-add-by-path.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file, targetId);
  const row = rowById(page, id);
  await expect(row.getByTestId('row-target')).toContainText(`s3://${s3.bucket}/ui-add-by-path.bin`);

  // Progress moves: two readings, the second higher, both short of done.
  const first = await waitForProgress(row, 10, 70);
  await expect(row).toHaveAttribute('data-state', 'uploading');
  await screen(page, 'uploading');
  const second = await waitForProgress(row, first, 100);
  expect(second).toBeGreaterThan(first);

  await expectCompleted(row);
  const [view] = (await app.invoke('uploads.list', {})).filter((upload) => upload.id === id);
  expect(view).toMatchObject({ state: 'completed', partSize: 5 * MiB, partsTotal: 12, partsDone: 12, bytesDone: 60 * MiB, restarts: 0 });
  expect(await objectDigest(s3.client, s3.bucket, 'ui-add-by-path.bin')).toEqual(await fileDigest(file));
});

test('a paused row stops moving, and resumed it completes with the right bytes', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  await prepareApp(app, s3);
  await openUi(page, app);
  const file = join(workDir, 'ui-pause-resume.bin');
  await makeRandomFile(file, 60 * MiB);
  const row = rowById(page, await addByPath(page, file));

  await waitForProgress(row, 5, 70);
  await row.getByTestId('row-pause').click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  await expect(row.getByTestId('row-resume')).toBeVisible();
  await expect(row.getByTestId('row-pause')).toHaveCount(0);
  const paused = await progressOf(row);
  await page.waitForTimeout(1500);
  expect(await progressOf(row)).toBeLessThanOrEqual(paused);
  await expect(row).toHaveAttribute('data-state', 'paused');

  await row.getByTestId('row-resume').click();
  await expectCompleted(row);
  expect(await objectDigest(s3.client, s3.bucket, 'ui-pause-resume.bin')).toEqual(await fileDigest(file));
  expect((await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-pause-resume.bin')).toEqual([]);
});

test('a cancelled row disappears and leaves nothing on the server', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  await prepareApp(app, s3);
  await openUi(page, app);
  const file = join(workDir, 'ui-cancel.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  const row = rowById(page, id);

  await waitForProgress(row, 5, 70);
  expect((await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-cancel.bin')).toHaveLength(1);
  await row.getByTestId('row-cancel').click();
  await expect(row).toHaveCount(0);

  await expect.poll(async () => (await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-cancel.bin')).toEqual([]);
  expect(await objectExists(s3.client, s3.bucket, 'ui-cancel.bin')).toBe(false);
  // Gone for good: not back after a reload either.
  await page.reload();
  await expect(page.getByTestId('queue')).not.toContainText('Loading…');
  await expect(rowById(page, id)).toHaveCount(0);
  expect((await app.invoke('uploads.list', {})).map((upload) => upload.id)).not.toContain(id);
});
