// The file changes while Hoist is not running. On restart the upload must not
// mix two versions: the row waits in 'conflict' for the person to choose.
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { addByPath, expect, expectCompleted, MiB, openUi, prepareApp, rowById, screen, test, waitForProgress } from './support/fixtures.ts';
import type { HoistLauncher, S3Workspace } from './support/fixtures.ts';
import { listUnfinishedUploads, objectDigest, objectExists } from './support/s3.ts';

/** Starts an upload, kills the app in the middle, rewrites the file with another size, starts the app again and opens it. */
async function conflictAfterRestart(page: Page, s3: S3Workspace, hoist: HoistLauncher, file: string) {
  const first = await hoist.start();
  await prepareApp(first, s3);
  await openUi(page, first);
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  await waitForProgress(rowById(page, id), 20, 90);
  await first.kill('SIGKILL');

  await makeRandomFile(file, 37 * MiB + 12345);
  const second = await hoist.start();
  await openUi(page, second);
  const row = rowById(page, id);
  await expect(row).toHaveAttribute('data-state', 'conflict');
  await expect(row.getByTestId('conflict-restart')).toHaveText('Start over with the new version');
  await expect(row.getByTestId('conflict-cancel')).toHaveText('Cancel upload');
  await expect(row.getByTestId('row-conflict')).toBeVisible();
  // Nothing else is offered: resuming would mix versions.
  await expect(row.getByTestId('row-resume')).toHaveCount(0);
  return { app: second, id, row };
}

test('a file changed between sessions: "Start over with the new version" uploads the new bytes', async ({ page, s3, hoist, workDir }) => {
  const file = join(workDir, 'ui-conflict-restart.bin');
  const { app, id, row } = await conflictAfterRestart(page, s3, hoist, file);
  await screen(page, 'conflict');

  await row.getByTestId('conflict-restart').click();
  await expectCompleted(row);
  const digest = await fileDigest(file);
  expect(digest.size).toBe(37 * MiB + 12345);
  expect(await objectDigest(s3.client, s3.bucket, 'ui-conflict-restart.bin')).toEqual(digest);
  const [view] = (await app.invoke('uploads.list', {})).filter((upload) => upload.id === id);
  expect(view).toMatchObject({ state: 'completed', bytesTotal: 37 * MiB + 12345, conflict: null });
  expect((await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-conflict-restart.bin')).toEqual([]);
});

test('a file changed between sessions: "Cancel upload" removes the row and leaves nothing on the server', async ({ page, s3, hoist, workDir }) => {
  const file = join(workDir, 'ui-conflict-cancel.bin');
  const { app, id, row } = await conflictAfterRestart(page, s3, hoist, file);

  await row.getByTestId('conflict-cancel').click();
  await expect(row).toHaveCount(0);
  await expect.poll(async () => (await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-conflict-cancel.bin')).toEqual([]);
  expect(await objectExists(s3.client, s3.bucket, 'ui-conflict-cancel.bin')).toBe(false);
  expect((await app.invoke('uploads.list', {})).map((upload) => upload.id)).not.toContain(id);
});
