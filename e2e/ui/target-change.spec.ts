// Issue 15, point 1: headless, an existing target's endpoint changes only
// after the page showed main's question and the user agreed; the request that
// carries the change must also carry main's one-time code, which works once.
import { expect, openUi, prepareApp, screen, test } from './support/fixtures.ts';

const ELSEWHERE = 'https://s3.elsewhere.example';

test('changing a target’s endpoint asks first, saves on yes, and the code cannot be used again', async ({ page, hoist, s3 }) => {
  const app = await hoist.start();
  const target = await prepareApp(app, s3);
  await openUi(page, app);

  const panel = page.getByTestId('targets-panel');
  await panel.getByTestId('target-edit').click();
  await panel.getByTestId('target-endpoint').fill(ELSEWHERE);
  const sent: Array<Record<string, unknown>> = [];
  page.on('request', (request) => {
    if (request.url().endsWith('/api/invoke/targets.save')) sent.push(request.postDataJSON() as Record<string, unknown>);
  });
  await panel.getByTestId('target-save').click();

  const dialog = page.getByRole('alertdialog');
  await expect(dialog.getByTestId('target-change-question')).toHaveText(`Change the endpoint of "Test RGW" from ${target.endpoint} to ${ELSEWHERE}?`);
  await expect(page.getByTestId('notice')).toHaveCount(0);
  await screen(page, 'target-change-confirm');
  // Asked, not saved.
  expect((await app.invoke('targets.list', {}))[0]?.endpoint).toBe(target.endpoint);

  await dialog.getByTestId('target-change-yes').click();
  // Saved; that no server answers at the new endpoint is the form's to say, not this test's.
  await expect(page.getByTestId('target-form-status')).toHaveText(/^Saved “Test RGW”/);
  await expect(panel.getByTestId('target-item')).toContainText(ELSEWHERE);
  expect((await app.invoke('targets.list', {}))[0]?.endpoint).toBe(ELSEWHERE);

  // The page sent the change twice: first bare, then with main's code.
  expect(sent).toHaveLength(2);
  expect(sent[0]).not.toHaveProperty('confirmation');
  const code = sent[1]?.confirmation;
  expect(typeof code).toBe('string');
  // Spent: the same code does not move the target back.
  const replay = await app.invokeRaw('targets.save', { target, confirmation: code });
  expect(replay.body).toMatchObject({ ok: false, error: { code: 'confirm-required' } });
  expect((await app.invoke('targets.list', {}))[0]?.endpoint).toBe(ELSEWHERE);
});
