// The headless process dies (SIGKILL, no cleanup) in the middle of an upload and
// is started again on the same state directory: the upload carries on by itself
// and the page, reopened at the new URL, shows it.
import { join } from 'node:path';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { addByPath, expect, expectCompleted, MiB, openUi, prepareApp, progressOf, rowById, rows, test, waitForProgress } from './support/fixtures.ts';
import { abortUpload, listUnfinishedUploads, objectDigest } from './support/s3.ts';

test('killed mid-upload and started again, the same upload resumes by itself and completes byte-identical', async ({ page, s3, hoist, workDir }) => {
  const first = await hoist.start();
  await prepareApp(first, s3);
  await openUi(page, first);
  const file = join(workDir, 'ui-crash-resume.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  // Past 40 %, at least two of the 5 MiB parts are done and recorded (two are in flight at most).
  await waitForProgress(rowById(page, id), 40, 90);
  expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

  const second = await hoist.start();
  expect(second.port).not.toBe(first.port);
  await openUi(page, second);
  const row = rowById(page, id);
  await expect(rows(page)).toHaveCount(1);
  await expect(row).toBeVisible();
  // Resumed, not restarted: it starts from the parts already on the server.
  await expect(row).toHaveAttribute('data-state', /^(queued|uploading|completed)$/);
  expect(await progressOf(row)).toBeGreaterThan(0);

  await expectCompleted(row);
  await expect(row.getByTestId('restart-badge')).toHaveCount(0);
  const [view] = (await second.invoke('uploads.list', {})).filter((upload) => upload.id === id);
  expect(view).toMatchObject({ state: 'completed', restarts: 0, bytesDone: 60 * MiB });
  expect(await objectDigest(s3.client, s3.bucket, 'ui-crash-resume.bin')).toEqual(await fileDigest(file));
  expect((await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-crash-resume.bin')).toEqual([]);
});

test('an upload aborted on the server between sessions restarts (badge, notice) and completes', async ({ page, s3, hoist, workDir }) => {
  const first = await hoist.start();
  await prepareApp(first, s3);
  await openUi(page, first);
  const file = join(workDir, 'ui-server-abort.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  await waitForProgress(rowById(page, id), 20, 90);
  await first.kill('SIGKILL');

  // What a lifecycle rule (or another tool) does while Hoist is not running.
  const unfinished = (await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key === 'ui-server-abort.bin');
  expect(unfinished).toHaveLength(1);
  await abortUpload(s3.client, s3.bucket, 'ui-server-abort.bin', unfinished[0]?.uploadId ?? '');

  const second = await hoist.start();
  await openUi(page, second);
  const row = rowById(page, id);
  await expect(row.getByTestId('restart-badge')).toBeVisible();
  await expect(row.getByTestId('restart-badge')).toContainText('restarted 1×');
  await expectCompleted(row);
  await expect(page.getByTestId('notice').filter({ hasText: 'discarded the unfinished upload' })).toBeVisible();

  const [view] = (await second.invoke('uploads.list', {})).filter((upload) => upload.id === id);
  expect(view).toMatchObject({ state: 'completed', restarts: 1 });
  expect(view?.uploadId).not.toBe(unfinished[0]?.uploadId);
  expect(await objectDigest(s3.client, s3.bucket, 'ui-server-abort.bin')).toEqual(await fileDigest(file));
});
