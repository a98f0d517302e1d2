// A folder added in the UI, sent as one object per file: one row for the whole
// folder (never a row per file), its progress, its files when expanded, and
// the objects it leaves; with the real engine against the real S3 server.
import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { Locator, Page } from '@playwright/test';
import { fileDigest } from '../support/files.ts';
import { expect, MiB, openUi, prepareApp, rows, screen, SCREENS_DIR, test } from './support/fixtures.ts';
import { listUnfinishedUploads, objectDigest } from './support/s3.ts';

/** Writes `count` files of `size` random bytes: most at the top, every fifth in sub/deeper/. Returns their paths inside the folder. */
async function makeFolder(root: string, count: number, size: (index: number) => number): Promise<string[]> {
  await mkdir(join(root, 'sub', 'deeper'), { recursive: true });
  const paths: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const relPath = index % 5 === 4 ? `sub/deeper/file-${String(index).padStart(3, '0')}.bin` : `file-${String(index).padStart(3, '0')}.bin`;
    await writeFile(join(root, relPath), randomBytes(size(index)));
    paths.push(relPath);
  }
  return paths.sort();
}

/** Every object under the prefix: key → size. */
async function listPrefix(client: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const object of page.Contents ?? []) found.set(object.Key ?? '', object.Size ?? 0);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return found;
}

/** Types the folder's path and adds it; returns its one row. */
async function addFolder(page: Page, path: string): Promise<Locator> {
  await page.getByTestId('target-select').selectOption('rgw');
  await expect(page.getByTestId('folder-mode')).toHaveValue('files');
  await page.getByTestId('add-path-input').fill(path);
  await page.getByTestId('add-button').click();
  await expect(page.getByTestId('add-path-input')).toHaveValue('');
  const row = page.getByTestId('folder-row').filter({ has: page.getByTestId('row-name').getByText(`${path.split('/').at(-1)}/`, { exact: true }) });
  await expect(row).toHaveCount(1);
  return row;
}

test('a folder of 50 files is one row that reaches 50 / 50 files and Completed, lists its files, and its objects equal the folder', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  const keyPrefix = `ui-folder-${randomBytes(4).toString('hex')}`;
  await prepareApp(app, s3, { target: { keyPrefix } });
  await openUi(page, app);

  const root = join(workDir, 'album');
  const files = await makeFolder(root, 50, (index) => 1024 + index * 997);
  const row = await addFolder(page, root);

  await expect(row.getByTestId('row-target')).toHaveText(`s3://${s3.bucket}/${keyPrefix}/album/`);
  await expect(row.getByTestId('folder-files-count')).toHaveText('50 / 50 files', { timeout: 60_000 });
  await expect(row).toHaveAttribute('data-state', 'completed');
  await expect(row.getByTestId('row-state')).toHaveText('Completed');
  await expect(row.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '100');
  await expect(row.getByTestId('folder-not-sent')).toHaveCount(0);
  // One row for the folder: none for its files.
  await expect(page.getByTestId('folder-row')).toHaveCount(1);
  await expect(rows(page)).toHaveCount(0);
  await row.screenshot({ path: join(SCREENS_DIR, 'folder-row.png') });

  // Expanded: its files in path order, each sent; the list is virtual, so the last ones show once scrolled to.
  await row.getByTestId('folder-expand').click();
  const panel = row.getByTestId('folder-files');
  await expect(panel.getByTestId('folder-file').first()).toHaveAttribute('data-path', files[0] as string);
  await expect(panel.getByTestId('folder-file').nth(1)).toHaveAttribute('data-path', files[1] as string);
  await expect(panel.locator('[data-testid="folder-file"][data-state="done"]').first()).toContainText('Sent');
  await screen(page, 'folder-expanded');
  await panel.getByRole('list').evaluate((list) => (list.scrollTop = list.scrollHeight));
  await expect(panel.locator(`[data-testid="folder-file"][data-path="${files.at(-1)}"]`)).toHaveAttribute('data-state', 'done');
  await expect(panel.getByTestId('folder-files-end')).toHaveText('50 files listed.');

  // The objects under the prefix are the folder: the same names, sizes and bytes.
  const objects = await listPrefix(s3.client, s3.bucket, `${keyPrefix}/`);
  expect([...objects.keys()].sort()).toEqual(files.map((relPath) => `${keyPrefix}/album/${relPath}`));
  for (const relPath of files) {
    expect(await objectDigest(s3.client, s3.bucket, `${keyPrefix}/album/${relPath}`)).toEqual(await fileDigest(join(root, relPath)));
  }
  expect(await app.invoke('folders.list', {})).toEqual([expect.objectContaining({ state: 'completed', walking: false, running: false, totals: expect.objectContaining({ done: { files: 50, bytes: [...objects.values()].reduce((a, b) => a + b, 0) } }) })]);
  expect(await app.invoke('uploads.list', {})).toEqual([]);
});

test('a folder row pauses and resumes, and names the link it did not follow', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  const keyPrefix = `ui-folder-${randomBytes(4).toString('hex')}`;
  // 30 MiB through 4 MiB/s: several seconds to pause in.
  await prepareApp(app, s3, { target: { keyPrefix }, settings: { bandwidthLimitKiBps: 4 * 1024 } });
  await openUi(page, app);
  const root = join(workDir, 'slow');
  const files = await makeFolder(root, 30, () => MiB);
  await symlink('/etc/hostname', join(root, 'a-link'));

  const row = await addFolder(page, root);
  await expect(row).toHaveAttribute('data-state', 'uploading');
  await expect(row.getByTestId('row-speed')).toBeVisible();
  await screen(page, 'folder-uploading');
  await row.getByTestId('row-pause').click();
  await expect(row).toHaveAttribute('data-state', 'paused');
  await expect(row.getByTestId('row-state')).toHaveText('Paused');
  const paused = await row.getByTestId('folder-files-count').textContent();
  expect(paused).not.toBe('30 / 30 files');

  await row.getByTestId('row-resume').click();
  await expect(row.getByTestId('folder-files-count')).toHaveText('30 / 30 files', { timeout: 90_000 });
  await expect(row).toHaveAttribute('data-state', 'completed');
  await expect(row.getByTestId('folder-not-sent')).toHaveText('1 not sent');
  await expect(page.getByTestId('notice').filter({ hasText: 'slow: uploaded, but 1 entry was not sent' })).toHaveCount(1);

  await row.getByTestId('folder-expand').click();
  await row.getByTestId('folder-files-filter').selectOption('notSent');
  const link = row.locator('[data-testid="folder-file"][data-path="a-link"]');
  await expect(link).toHaveAttribute('data-state', 'problem');
  await expect(link.getByTestId('folder-file-message')).toContainText('link');
  await expect(row.getByTestId('folder-file')).toHaveCount(1);

  const objects = await listPrefix(s3.client, s3.bucket, `${keyPrefix}/`);
  expect([...objects.keys()].sort()).toEqual(files.map((relPath) => `${keyPrefix}/slow/${relPath}`));
  expect([...objects.values()].every((size) => size === MiB)).toBe(true);
});

test('killed mid-folder and started again, the folder resumes by itself and completes with the exact folder, its big file included', async ({ page, s3, hoist, workDir }) => {
  const first = await hoist.start();
  const keyPrefix = `ui-folder-${randomBytes(4).toString('hex')}`;
  await prepareApp(first, s3, { target: { keyPrefix }, settings: { bandwidthLimitKiBps: 4 * 1024 } });
  await openUi(page, first);
  const root = join(workDir, 'crash');
  const files = await makeFolder(root, 20, () => 512 * 1024);
  // Bigger than a part (5 MiB): an upload of its own, run by the folder.
  await writeFile(join(root, 'big.bin'), randomBytes(12 * MiB));
  const all = [...files, 'big.bin'].sort();

  const row = await addFolder(page, root);
  await expect(async () => {
    const done = Number((await row.getByTestId('folder-files-count').textContent())?.split(' / ')[0]);
    expect(done).toBeGreaterThanOrEqual(4);
  }).toPass({ intervals: [100, 200] });
  expect(await first.kill('SIGKILL')).toEqual({ code: null, signal: 'SIGKILL' });

  const second = await hoist.start();
  await openUi(page, second);
  const again = page.getByTestId('folder-row');
  await expect(again).toHaveCount(1);
  await expect(again.getByTestId('folder-files-count')).toHaveText('21 / 21 files', { timeout: 90_000 });
  await expect(again).toHaveAttribute('data-state', 'completed');
  await expect(rows(page)).toHaveCount(0);

  const objects = await listPrefix(s3.client, s3.bucket, `${keyPrefix}/`);
  expect([...objects.keys()].sort()).toEqual(all.map((relPath) => `${keyPrefix}/crash/${relPath}`));
  for (const relPath of all) {
    expect(await objectDigest(s3.client, s3.bucket, `${keyPrefix}/crash/${relPath}`)).toEqual(await fileDigest(join(root, relPath)));
  }
  expect((await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key.startsWith(`${keyPrefix}/`))).toEqual([]);
});
