// The headless server answers only the page it served: token, Origin and Host
// guards, checked from outside the browser (where headers can be forged) and
// from the page itself.
import { request } from 'node:http';
import { expect, openUi, screen, test } from './support/fixtures.ts';

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function statusWithHost(port: number, host: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/invoke/app.info', method: 'POST', headers: { host, 'x-hoist-token': token, 'content-type': 'application/json' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

test('the API refuses a missing token (401), a foreign Origin (403) and a foreign Host (403)', async ({ page, hoist }) => {
  const app = await hoist.start();
  const url = `${app.origin}/api/invoke/app.info`;

  const noToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  expect(noToken.status).toBe(401);
  expect(await noToken.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  const wrongToken = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hoist-token': 'not-the-token' }, body: '{}' });
  expect(wrongToken.status).toBe(401);

  const wrongOrigin = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hoist-token': app.token, origin: 'http://evil.example' }, body: '{}' });
  expect(wrongOrigin.status).toBe(403);
  expect(await wrongOrigin.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });

  expect(await statusWithHost(app.port, `attacker.example:${app.port}`, app.token)).toBe(403);
  expect((await fetch(`${app.origin}/api/events`)).status).toBe(401);

  const ok = await app.invokeRaw('app.info', {});
  expect(ok).toEqual({ status: 200, body: { ok: true, value: expect.objectContaining({ mode: 'headless', canPickFiles: false, secretStorage: 'unavailable' }) } });
  // Headless cannot keep typed secret keys encrypted: refused, with a way out.
  const keys = await app.invokeRaw('targets.save', {
    target: { id: 'k', name: 'keys', bucket: 'some-bucket', credentials: { kind: 'keys', accessKeyId: 'AKIA' } },
    secretAccessKey: 'secret',
  });
  expect(keys.body).toMatchObject({ ok: false, error: { code: 'unsupported' } });

  // From the page: a request without the token is refused; the page's own requests work.
  await openUi(page, app);
  expect(page.url()).not.toContain('token=');
  const fromPage = await page.evaluate(async () => (await fetch('/api/invoke/app.info', { method: 'POST', body: '{}' })).status);
  expect(fromPage).toBe(401);
  await expect(page.getByTestId('notice')).toHaveCount(0);
});

test('static files carry the strict headers; the process prints one URL line and exits 0 on SIGTERM', async ({ hoist }) => {
  const app = await hoist.start();
  const index = await fetch(`${app.origin}/`);
  expect(index.status).toBe(200);
  expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
  expect(index.headers.get('content-security-policy')).toBe(CSP);
  expect(index.headers.get('x-content-type-options')).toBe('nosniff');
  expect(index.headers.get('referrer-policy')).toBe('no-referrer');
  expect(index.headers.get('cache-control')).toBe('no-store');
  const script = (await index.text()).match(/src="\.?\/?(assets\/[^"]+\.js)"/)?.[1];
  expect(script).toBeTruthy();
  expect((await fetch(`${app.origin}/${script}`)).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  expect((await fetch(`${app.origin}/%2e%2e/package.json`)).status).toBe(404);

  expect(await app.kill('SIGTERM')).toEqual({ code: 0, signal: null });
  const stdout = app.output().split('--- stderr')[0] ?? '';
  expect(stdout.trim().split('\n').filter((line) => line && !line.startsWith('---'))).toEqual([`Hoist is running at ${app.url}`]);
});

test('a page opened without the link Hoist printed says so, instead of an empty queue that looks like lost uploads', async ({ page, hoist }) => {
  const app = await hoist.start();

  await page.goto(`${app.origin}/`);

  const alert = page.getByRole('alert');
  await expect(alert).toContainText('This page needs the link Hoist printed');
  await expect(alert).toContainText('#token=');
  await expect(page.getByText('No targets yet')).toHaveCount(0);
  await expect(page.getByText('Loading…')).toHaveCount(0);
  await screen(page, 'refused-without-token');

  // The right link works in the same tab (loaded afresh: a change of the hash alone would not reload the page).
  await page.goto('about:blank');
  await openUi(page, app);
  await expect(page.getByRole('alert')).toHaveCount(0);
});
