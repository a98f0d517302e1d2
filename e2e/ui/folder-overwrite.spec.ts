// A folder added in the UI whose keys already hold different objects: the row
// warns instead of overwriting them, and the user overwrites them or keeps the
// server's; with the real engine against the real S3 server.
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { Locator, Page } from '@playwright/test';
import { fileDigest } from '../support/files.ts';
import { expect, openUi, prepareApp, SCREENS_DIR, screen, test } from './support/fixtures.ts';
import type { S3Workspace } from './support/fixtures.ts';
import { objectBytes, objectDigest } from './support/s3.ts';

/** A folder of three small files; the server already holds other bytes at a.txt's key and b.txt's own bytes at its key. */
async function folderFacingTheServer(s3: S3Workspace, root: string, keyPrefix: string): Promise<void> {
  await mkdir(root, { recursive: true });
  await writeFile(join(root, 'a.txt'), 'the local version of a');
  await writeFile(join(root, 'b.txt'), 'b, the same on both sides');
  await writeFile(join(root, 'c.txt'), randomBytes(3000));
  const folder = root.split('/').at(-1);
  const put = (name: string, body: string) => s3.client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: `${keyPrefix}/${folder}/${name}`, Body: body }));
  await put('a.txt', 'someone else’s a');
  await put('b.txt', 'b, the same on both sides');
}

async function addFolder(page: Page, path: string): Promise<Locator> {
  await page.getByTestId('target-select').selectOption('rgw');
  await page.getByTestId('add-path-input').fill(path);
  await page.getByTestId('add-button').click();
  await expect(page.getByTestId('add-path-input')).toHaveValue('');
  const row = page.getByTestId('folder-row');
  await expect(row).toHaveCount(1);
  return row;
}

/** The row once the folder waits: the warning, the two choices, nothing overwritten. */
async function expectWarning(row: Locator): Promise<void> {
  await expect(row).toHaveAttribute('data-state', 'asking', { timeout: 60_000 });
  await expect(row.getByTestId('row-state')).toHaveText('Your choice');
  await expect(row.getByTestId('folder-differs')).toHaveText('1 file differs from the object already at its key');
  await expect(row.getByTestId('folder-files-count')).toHaveText('2 / 3 files');
  await expect(row.getByRole('button', { name: 'Overwrite them' })).toBeVisible();
  await expect(row.getByRole('button', { name: "Keep the server's" })).toBeVisible();
}

test('a file whose key holds a different object waits for the user, and "Overwrite them" makes the object the file', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  const keyPrefix = `ui-differs-${randomBytes(4).toString('hex')}`;
  await prepareApp(app, s3, { target: { keyPrefix } });
  await openUi(page, app);
  const root = join(workDir, 'letters');
  await folderFacingTheServer(s3, root, keyPrefix);

  const row = await addFolder(page, root);
  await expectWarning(row);
  expect(Buffer.from(await objectBytes(s3.client, s3.bucket, `${keyPrefix}/letters/a.txt`)).toString()).toBe('someone else’s a');
  await expect(page.getByTestId('notice').filter({ hasText: 'letters: 1 file differs from the object already at its key' })).toHaveCount(1);

  // Expanded, the file says what differs.
  await row.getByTestId('folder-expand').click();
  const differing = row.locator('[data-testid="folder-file"][data-path="a.txt"]');
  await expect(differing).toHaveAttribute('data-state', 'differs');
  await expect(differing.getByTestId('folder-file-message')).toHaveText(`the object already at its key is 18 B, the file 22 B (s3://${s3.bucket}/${keyPrefix}/letters/a.txt)`);
  await row.screenshot({ path: join(SCREENS_DIR, 'folder-differs-row.png') });
  await screen(page, 'folder-differs');

  // From the keyboard: the button takes the focus and Enter presses it.
  await row.getByRole('button', { name: 'Overwrite them' }).focus();
  await page.keyboard.press('Enter');

  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(row.getByTestId('folder-files-count')).toHaveText('3 / 3 files');
  await expect(row.getByTestId('folder-differs')).toHaveCount(0);
  for (const name of ['a.txt', 'b.txt', 'c.txt']) expect(await objectDigest(s3.client, s3.bucket, `${keyPrefix}/letters/${name}`)).toEqual(await fileDigest(join(root, name)));
});

test('"Keep the server\'s" leaves the object as it was and completes the folder without sending the file', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  const keyPrefix = `ui-differs-${randomBytes(4).toString('hex')}`;
  await prepareApp(app, s3, { target: { keyPrefix } });
  await openUi(page, app);
  const root = join(workDir, 'notes');
  await folderFacingTheServer(s3, root, keyPrefix);

  const row = await addFolder(page, root);
  await expectWarning(row);
  await row.getByRole('button', { name: "Keep the server's" }).click();

  await expect(row).toHaveAttribute('data-state', 'completed', { timeout: 60_000 });
  await expect(row.getByTestId('folder-kept')).toHaveText('1 kept as on the server');
  await expect(row.getByTestId('folder-files-count')).toHaveText('3 / 3 files');
  await row.getByTestId('folder-expand').click();
  await expect(row.locator('[data-testid="folder-file"][data-path="a.txt"]')).toHaveAttribute('data-state', 'kept');
  expect(Buffer.from(await objectBytes(s3.client, s3.bucket, `${keyPrefix}/notes/a.txt`)).toString()).toBe('someone else’s a');
  expect(await objectDigest(s3.client, s3.bucket, `${keyPrefix}/notes/c.txt`)).toEqual(await fileDigest(join(root, 'c.txt')));
  expect(await app.invoke('folders.list', {})).toEqual([expect.objectContaining({ state: 'completed', differing: 0, totals: expect.objectContaining({ kept: { files: 1, bytes: 22 } }) })]);
});
