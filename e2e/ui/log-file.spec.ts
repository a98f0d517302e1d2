// Issue 15, point 2: the headless mode keeps a log file in its state directory
// (the one a bug report asks for), private to the user, and an ordinary error
// is one line there and on stderr, never a stack trace.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, prepareApp, test } from './support/fixtures.ts';

const STACK_FRAME = /^\s+at .+:\d+:\d+\)?$/m;

test('the headless log file: in the state directory, 0600, one line per entry, no stack traces', async ({ hoist, s3 }) => {
  const app = await hoist.start();
  await prepareApp(app, s3);
  // An ordinary failure: listing unfinished uploads in a bucket that does not exist.
  await prepareApp(app, s3, { target: { id: 'gone', name: 'Gone bucket', bucket: 'hoist-test-no-such-bucket' } });
  const listed = await app.invokeRaw('orphans.list', { targetId: 'gone' });
  expect(listed.body).toMatchObject({ ok: false });

  const file = join(hoist.stateDir, 'logs', 'hoist-headless.log');
  await expect.poll(() => readFileSync(file, 'utf8')).toContain('orphans.list failed:');
  const text = readFileSync(file, 'utf8');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(text).toContain(`state directory ${hoist.stateDir}`);
  expect(text).not.toMatch(STACK_FRAME);
  expect(text).not.toContain(app.token);
  for (const line of text.trimEnd().split('\n')) expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \S/);

  const stderr = app.output().split('--- stderr')[1] ?? '';
  expect(stderr).toContain('orphans.list failed:');
  expect(stderr).not.toMatch(STACK_FRAME);
});
