// What a new user hit (issue 16), on the real headless app and RGW: rows that
// say Waiting instead of "Uploading 0 B/s", progress that never goes back
// after a kill, a file added over an existing object asks first, failures
// counted apart with Retry all failed, a filter and the finished uploads'
// addresses to copy, notifications in the browser once allowed.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { saveTarget, testTarget } from './support/headless-app.ts';
import { addByPath, expect, expectCompleted, MiB, openUi, prepareApp, progressOf, rowById, screen, test } from './support/fixtures.ts';
import { createTestBucket, objectDigest, removeTestBucket } from './support/s3.ts';

test('a row waiting for a slot says Waiting; the part on its way is its own bar; a kill never takes progress back', async ({ page, s3, hoist, workDir }) => {
  const first = await hoist.start();
  // Two part slots at 1 MiB/s: the first upload's two 5 MiB parts hold both for seconds, so the second waits.
  await prepareApp(first, s3, { settings: { concurrency: 2, bandwidthLimitKiBps: 1024 } });
  await openUi(page, first);
  const one = join(workDir, 'ui-wait-one.bin');
  const two = join(workDir, 'ui-wait-two.bin');
  await makeRandomFile(one, 30 * MiB);
  await makeRandomFile(two, 30 * MiB);
  const sending = rowById(page, await addByPath(page, one));
  await expect(sending.getByTestId('row-state')).toHaveText('Uploading');
  await expect(sending.getByTestId('progress-in-flight')).toBeVisible();
  const waiting = rowById(page, await addByPath(page, two));
  await expect(waiting.getByTestId('row-state')).toHaveText('Waiting');
  // It claims no transfer: no speed, no time left.
  await expect(waiting.getByTestId('row-speed')).toHaveCount(0);
  await screen(page, 'waiting-and-in-flight');

  // A part confirmed, then killed in the middle of the next ones.
  await expect.poll(() => progressOf(sending), { timeout: 60_000 }).toBeGreaterThanOrEqual(16);
  const before = await progressOf(sending);
  const sendingId = await sending.getAttribute('data-upload-id');
  await first.kill('SIGKILL');

  const second = await hoist.start();
  await openUi(page, second);
  const again = rowById(page, sendingId ?? '');
  await expect(again).toBeVisible();
  // The confirmed bytes are all still there: the bar starts where it stood, never lower.
  expect(await progressOf(again)).toBeGreaterThanOrEqual(before);
  await second.invoke('settings.set', { bandwidthLimitKiBps: 0 });
  await expectCompleted(again);
});

test('adding a file whose key already holds an object asks first: the object stays until Overwrite', async ({ page, s3, hoist, workDir, context }) => {
  // The browser's notifications, allowed; the page's calls are recorded to check what it announced.
  await context.grantPermissions(['notifications']);
  await page.addInitScript({
    content: `{
      const Real = window.Notification;
      window.shownNotifications = [];
      window.Notification = class extends Real {
        static get permission() { return Real.permission; }
        constructor(title, options) { super(title, options); window.shownNotifications.push(title + ': ' + ((options && options.body) || '')); }
      };
    }`,
  });
  const app = await hoist.start();
  await prepareApp(app, s3, { settings: { bandwidthLimitKiBps: 0 } });
  await openUi(page, app);
  await expect(page.getByTestId('browser-notifications')).toHaveAttribute('data-permission', 'granted');

  const file = join(workDir, 'ui-exists.bin');
  await makeRandomFile(file, 6 * MiB);
  await expectCompleted(rowById(page, await addByPath(page, file)));
  const original = await fileDigest(file);
  await expect.poll(() => page.evaluate(() => (globalThis as unknown as { shownNotifications: string[] }).shownNotifications)).toContain(
    `Upload complete: ui-exists.bin is in s3://${s3.bucket}/ui-exists.bin`,
  );

  await makeRandomFile(file, 7 * MiB);
  const id = await addByPath(page, file);
  const row = rowById(page, id);
  await expect(row).toHaveAttribute('data-state', 'conflict');
  await expect(row.getByTestId('row-conflict')).toContainText(`s3://${s3.bucket}/ui-exists.bin already holds an object (6.0 MiB, last modified `);
  await expect(row.getByTestId('row-state')).toHaveText('Your choice');
  await expect(row.getByTestId('exists-skip')).toHaveText('Skip: keep the server’s');
  await expect(row.getByTestId('exists-overwrite')).toHaveText('Overwrite');
  await expect(page.getByTestId('notice').filter({ hasText: 'already holds an object' })).toHaveCount(1);
  await screen(page, 'exists-ask');
  // Asking sent nothing: the object is the first file's.
  expect(await objectDigest(s3.client, s3.bucket, 'ui-exists.bin')).toEqual(original);

  await row.getByTestId('exists-overwrite').click();
  await expectCompleted(row);
  expect(await objectDigest(s3.client, s3.bucket, 'ui-exists.bin')).toEqual(await fileDigest(file));
  // The notice described a choice that is made: it is gone.
  await expect(page.getByTestId('notice').filter({ hasText: 'already holds an object' })).toHaveCount(0);
});

test('failures are counted apart and retried together; the filter and the finished uploads’ addresses', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  await prepareApp(app, s3, { settings: { bandwidthLimitKiBps: 0 } });
  // A second target whose bucket goes away before anything is sent to it.
  const lost = await createTestBucket(s3.client, s3.config, 'gone');
  await saveTarget(app, testTarget(s3.config, lost, { id: 'gone', name: 'Gone' }));
  await removeTestBucket(s3.client, lost);
  await openUi(page, app);

  const good = join(workDir, 'ui-history.txt');
  const bad = join(workDir, 'ui-failing.txt');
  await writeFile(good, 'hello\n');
  await writeFile(bad, 'not yet\n');
  const goodId = await addByPath(page, good);
  await expectCompleted(rowById(page, goodId));
  const badId = await addByPath(page, bad, 'gone');
  await expect(rowById(page, badId)).toHaveAttribute('data-state', 'failed');

  await expect(page.getByTestId('totals-failed')).toHaveText('1 failed');
  await page.getByTestId('queue-filter-failed').click();
  await expect(page.getByTestId('upload-row')).toHaveCount(1);
  await expect(rowById(page, badId).getByTestId('row-error')).toBeVisible();
  await screen(page, 'failed-filtered');

  await page.getByTestId('queue-filter-done').click();
  const done = rowById(page, goodId);
  await expect(page.getByTestId('upload-row')).toHaveCount(1);
  await expect(done.getByTestId('row-copy-url')).toHaveAttribute('data-copy', `${s3.config.endpoint}/${s3.bucket}/ui-history.txt`);
  await expect(done.getByTestId('row-copy-s3')).toHaveAttribute('data-copy', `s3://${s3.bucket}/ui-history.txt`);
  await expect(done.getByTestId('row-host')).toContainText(new URL(s3.config.endpoint ?? 'http://x').host);
  await screen(page, 'history');

  // The bucket is back: Retry all failed sends it.
  await s3.client.send(new CreateBucketCommand({ Bucket: lost }));
  try {
    await page.getByTestId('queue-filter-all').click();
    await page.getByTestId('retry-failed').click();
    await expectCompleted(rowById(page, badId));
    await expect(page.getByTestId('totals-failed')).toHaveCount(0);
  } finally {
    await removeTestBucket(s3.client, lost);
  }
});
