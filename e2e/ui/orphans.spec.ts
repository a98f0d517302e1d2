// Unfinished multipart uploads on the server that Hoist's state does not know
// (another machine, a lost database): the Targets panel lists them, aborts one
// and adopts another for its local file, which then completes.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateMultipartUploadCommand, UploadPartCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { fileDigest, makeRandomFile } from '../support/files.ts';
import { expect, expectCompleted, MiB, openUi, prepareApp, rows, screen, test } from './support/fixtures.ts';
import { listUnfinishedUploads, objectDigest } from './support/s3.ts';

const PART = 5 * MiB;

/** Starts a multipart upload directly with the SDK and sends the given parts (numbered from 1). */
async function serverUpload(client: S3Client, bucket: string, key: string, parts: Uint8Array[]): Promise<string> {
  const created = await client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
  const uploadId = created.UploadId as string;
  for (const [index, body] of parts.entries()) {
    await client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId: uploadId, PartNumber: index + 1, Body: body }));
  }
  return uploadId;
}

test('the Targets panel lists unfinished uploads on the server, aborts one and adopts another that then completes', async ({ page, s3, hoist, workDir }) => {
  const app = await hoist.start();
  // Under a prefix of its own: other tests in this bucket leave nothing here.
  const target = await prepareApp(app, s3, { target: { keyPrefix: 'orph-ui' }, settings: { bandwidthLimitKiBps: 0 } });
  const file = join(workDir, 'adopt-me.bin');
  await makeRandomFile(file, 3 * PART + 4321);
  const bytes = await readFile(file);
  const adoptKey = 'orph-ui/adopt-me.bin';
  const abortKey = 'orph-ui/abort-me.bin';
  const toAdopt = await serverUpload(s3.client, s3.bucket, adoptKey, [bytes.subarray(0, PART), bytes.subarray(PART, 2 * PART)]);
  const toAbort = await serverUpload(s3.client, s3.bucket, abortKey, [new Uint8Array(MiB).fill(7)]);
  const elsewhere = await serverUpload(s3.client, s3.bucket, 'orph-elsewhere/other.bin', []);

  await openUi(page, app);
  const item = page.locator(`[data-testid="target-item"][data-target-id="${target.id}"]`);
  await item.getByTestId('target-orphans').click();
  const list = item.getByTestId('orphans');
  const entries = list.getByTestId('orphan-item');
  await expect(entries).toHaveCount(2);
  await expect(entries.getByTestId('orphan-key')).toHaveText([abortKey, adoptKey]);
  const adoptEntry = list.locator(`[data-upload-id="${toAdopt}"]`);
  const abortEntry = list.locator(`[data-upload-id="${toAbort}"]`);
  await expect(adoptEntry.getByTestId('orphan-parts')).toHaveText('2 parts');
  await expect(adoptEntry.getByTestId('orphan-size')).toHaveText('10.0 MiB');
  await expect(adoptEntry.getByTestId('orphan-started')).toHaveText(/^started (just now|\d+ minutes? ago|in less than a minute)$/);
  await expect(abortEntry.getByTestId('orphan-parts')).toHaveText('1 part');
  await expect(list.getByTestId('orphan-tracked')).toHaveCount(0);
  await screen(page, 'orphans');

  // Abort: nothing happens until confirmed; then the server no longer has it.
  await abortEntry.getByTestId('orphan-abort').click();
  await expect(abortEntry).toContainText('This cannot be undone');
  await abortEntry.getByTestId('orphan-abort-confirm').click();
  await expect(list.getByTestId('orphans-status')).toHaveText(`Aborted the unfinished upload of ${abortKey}.`);
  await expect(entries).toHaveCount(1);
  const onServer = (await listUnfinishedUploads(s3.client, s3.bucket)).map((upload) => upload.uploadId);
  expect(onServer).not.toContain(toAbort);
  expect(onServer).toEqual(expect.arrayContaining([toAdopt, elsewhere]));

  // Adopt: another file of the same size does not verify, and nothing starts.
  const wrong = join(workDir, 'wrong.bin');
  await makeRandomFile(wrong, bytes.length);
  await adoptEntry.getByTestId('orphan-adopt').click();
  await expect(adoptEntry.getByTestId('orphan-adopt-pick')).toHaveCount(0);
  await adoptEntry.getByTestId('orphan-adopt-path').fill(wrong);
  await adoptEntry.getByTestId('orphan-adopt-confirm').click();
  await expect(list.getByTestId('orphans-error')).toHaveText(`${wrong} does not continue ${adoptKey}: none of its 2 parts matches the file`);
  await expect(rows(page)).toHaveCount(0);
  await screen(page, 'orphans-adopt-refused');

  // The right file: its two parts verify, the rest is sent, and the object is the file.
  await adoptEntry.getByTestId('orphan-adopt-path').fill(file);
  await adoptEntry.getByTestId('orphan-adopt-confirm').click();
  await expect(list.getByTestId('orphans-status')).toHaveText(`Continuing ${adoptKey} from ${file}: 2 parts verified, the rest is uploading.`);
  await expect(list.getByTestId('orphans-error')).toHaveCount(0);
  await expect(rows(page)).toHaveCount(1);
  const row = rows(page).first();
  await expect(row.getByTestId('row-target')).toContainText(`s3://${s3.bucket}/${adoptKey}`);
  await expectCompleted(row);
  expect(await objectDigest(s3.client, s3.bucket, adoptKey)).toEqual(await fileDigest(file));
  const [view] = await app.invoke('uploads.list', {});
  expect(view).toMatchObject({ uploadId: toAdopt, partsTotal: 4, partsDone: 4, targetId: target.id });

  // Nothing unfinished is left under the target's prefix.
  await list.getByTestId('orphans-refresh').click();
  await expect(list.getByTestId('orphans-empty')).toBeVisible();
  const left = (await listUnfinishedUploads(s3.client, s3.bucket)).filter((upload) => upload.key.startsWith('orph-'));
  expect(left.map((upload) => upload.uploadId)).toEqual([elsewhere]);
});
