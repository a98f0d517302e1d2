// The URL survives a restart: same port, same token. A page left open while
// Hoist is stopped and started again reconnects by itself (no reload) and shows
// what the new run found, here a file changed while Hoist was down.
import { join } from 'node:path';
import { makeRandomFile } from '../support/files.ts';
import { addByPath, expect, MiB, openUi, prepareApp, rowById, screen, test, waitForProgress } from './support/fixtures.ts';

test('restarted under an open page: same URL, the page reconnects without a reload and shows fresh state', async ({ page, s3, hoist, workDir }) => {
  const first = await hoist.start();
  await prepareApp(first, s3);
  await openUi(page, first);
  const file = join(workDir, 'ui-stable-url.bin');
  await makeRandomFile(file, 60 * MiB);
  const id = await addByPath(page, file);
  const row = rowById(page, id);
  await waitForProgress(row, 10, 90);
  // Set on this document: a reload or a navigation would lose it.
  await page.evaluate(() => ((globalThis as unknown as { hoistTestMark: number }).hoistTestMark = 42));

  await first.kill('SIGKILL');
  await expect(page.getByTestId('notice').filter({ hasText: 'reconnecting' })).toBeVisible();
  await screen(page, 'restart-reconnecting');

  // While no page could hear it: the file changes, and the next start finds the conflict.
  await makeRandomFile(file, 37 * MiB + 12345);
  const second = await hoist.start({ port: first.port });
  expect(second.url).toBe(first.url);
  expect(second.token).toBe(first.token);

  await expect(row).toHaveAttribute('data-state', 'conflict');
  await expect(row.getByTestId('conflict-restart')).toBeVisible();
  await expect(page.getByTestId('notice').filter({ hasText: 'reconnecting' })).toHaveCount(0);
  expect(await page.evaluate(() => (globalThis as unknown as { hoistTestMark?: number }).hoistTestMark)).toBe(42);
  await screen(page, 'restart-recovered');

  // --new-token: the old link stops working, the new one works.
  await second.kill('SIGTERM');
  const third = await hoist.start({ port: first.port, args: ['--new-token'] });
  expect(third.token).not.toBe(first.token);
  expect((await fetch(`${third.origin}/api/invoke/app.info`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hoist-token': first.token }, body: '{}' })).status).toBe(401);
  expect((await third.invokeRaw('app.info', {})).status).toBe(200);
});
