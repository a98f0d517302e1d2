import { request } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/ipc-contract.ts';
import { CONTENT_SECURITY_POLICY } from './http-responses.ts';
import { MAX_BODY_BYTES } from './invoke-request.ts';
import { startHeadlessServer } from './server.ts';
import type { HeadlessAppApi, HeadlessServer } from './server.ts';
import { staticPathFor } from './static-files.ts';

/** Stands in for HoistApp: records requests, answers with a fixed envelope, emits events on demand. */
class FakeApp implements HeadlessAppApi {
  readonly calls: Array<{ name: unknown; payload: unknown }> = [];
  readonly listeners = new Set<(name: string, payload: unknown) => void>();
  async dispatch(name: unknown, payload: unknown): Promise<Envelope<unknown>> {
    this.calls.push({ name, payload });
    if (name === 'boom') throw new Error('dispatch exploded');
    return { ok: true, value: { echo: name, payload: payload ?? null } };
  }
  on(listener: (name: string, payload: unknown) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(name: string, payload: unknown): void {
    for (const listener of this.listeners) listener(name, payload);
  }
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A raw HTTP request: the path is sent exactly as given (no normalisation) and any Host/Origin can be set. */
function raw(port: number, path: string, options: { method?: string; headers?: Record<string, string | number>; body?: string | Buffer } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Opens the event stream and collects what arrives; close() hangs up. */
function openStream(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; text: () => string; waitFor: (needle: string) => Promise<void>; close: () => void; ended: Promise<void> }> {
  return new Promise((resolve, reject) => {
    let text = '';
    const waiters: Array<{ needle: string; done: () => void }> = [];
    let endResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endResolve = r));
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        for (const waiter of [...waiters]) {
          if (text.includes(waiter.needle)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.done();
          }
        }
      });
      res.on('end', () => endResolve());
      res.on('close', () => endResolve());
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        waitFor: (needle) => (text.includes(needle) ? Promise.resolve() : new Promise((done) => waiters.push({ needle, done }))),
        close: () => req.destroy(),
        ended,
      });
    });
    req.on('error', (error) => {
      if ((error as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(error);
    });
    req.end();
  });
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

let dir: string;
let staticDir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-headless-test-'));
  staticDir = join(dir, 'renderer');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Hoist</title>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  await writeFile(join(staticDir, 'assets', 'app.css'), 'body{}');
  await writeFile(join(staticDir, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(join(staticDir, 'assets', 'blob.xyz'), 'x');
  await writeFile(join(dir, 'secret.txt'), 'TOP SECRET');
  await mkdir(join(dir, 'renderer-evil'));
  await writeFile(join(dir, 'renderer-evil', 'x.txt'), 'sibling with the same prefix');
  await symlink(join(dir, 'secret.txt'), join(staticDir, 'link.txt'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('staticPathFor', () => {
  it('maps URL paths inside the root and refuses ways out', () => {
    expect(staticPathFor('/srv/r', '/')).toBe('/srv/r/index.html');
    expect(staticPathFor('/srv/r', '/assets/a.js')).toBe('/srv/r/assets/a.js');
    expect(staticPathFor('/srv/r', '/assets/')).toBe('/srv/r/assets/index.html');
    expect(staticPathFor('/srv/r', '/a%20b.js')).toBe('/srv/r/a b.js');
    expect(staticPathFor('/srv/r', '/../etc/passwd')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/..%2fetc%2fpasswd')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/assets/..%2F..%2Fsecret')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/../r-evil/x')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/a%00.js')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/%E0%A4%A')).toBeUndefined();
    expect(staticPathFor('/srv/r', '/..')).toBeUndefined();
  });
});

describe('startHeadlessServer', () => {
  let app: FakeApp;
  let server: HeadlessServer;
  let port: number;
  let token: string;
  const apiHeaders = (extra: Record<string, string> = {}): Record<string, string> => ({ 'x-hoist-token': token, 'content-type': 'application/json', ...extra });

  beforeAll(async () => {
    app = new FakeApp();
    server = await startHeadlessServer({ app, staticDir, heartbeatMs: 50 });
    ({ port, token } = server);
  });
  afterAll(async () => {
    await server.close();
  });
  afterEach(() => {
    app.calls.length = 0;
  });

  it('listens on 127.0.0.1 with a random token carried in the URL fragment', () => {
    expect(port).toBeGreaterThan(0);
    expect(token.length).toBeGreaterThanOrEqual(40);
    expect(server.url).toBe(`http://127.0.0.1:${port}/#token=${token}`);
    expect(server.origin).toBe(`http://127.0.0.1:${port}`);
  });

  describe('static files', () => {
    it('serves index.html at / with the security headers, no token needed', async () => {
      const res = await raw(port, '/');
      expect(res.status).toBe(200);
      expect(res.body).toContain('<title>Hoist</title>');
      expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('gives each file its content type', async () => {
      expect((await raw(port, '/assets/app.js')).headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await raw(port, '/assets/app.css')).headers['content-type']).toBe('text/css; charset=utf-8');
      expect((await raw(port, '/assets/logo.svg')).headers['content-type']).toBe('image/svg+xml');
      expect((await raw(port, '/assets/blob.xyz')).headers['content-type']).toBe('application/octet-stream');
      expect((await raw(port, '/index.html?v=1')).status).toBe(200);
    });

    it('answers HEAD without a body', async () => {
      const res = await raw(port, '/assets/app.js', { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers['content-length']).toBe(String('console.log(1)'.length));
      expect(res.body).toBe('');
    });

    it('404s what is not there, and refuses other methods', async () => {
      expect((await raw(port, '/nope.js')).status).toBe(404);
      expect((await raw(port, '/assets')).status).toBe(404);
      expect((await raw(port, '/favicon.ico')).status).toBe(204);
      expect((await raw(port, '/', { method: 'POST' })).status).toBe(405);
    });

    it('never serves a file outside the static directory', async () => {
      for (const path of [
        '/../secret.txt',
        '/assets/../../secret.txt',
        '/%2e%2e/secret.txt',
        '/..%2fsecret.txt',
        '/..%2Fsecret.txt',
        '/assets/..%2f..%2fsecret.txt',
        '/%2e%2e%2fsecret.txt',
        '/..\\secret.txt',
        '/../renderer-evil/x.txt',
        '/link.txt',
        '/%00',
        '//etc/passwd',
      ]) {
        const res = await raw(port, path);
        expect(res.status, path).not.toBe(200);
        expect(res.body, path).not.toContain('TOP SECRET');
        expect(res.body, path).not.toContain('sibling');
        expect(res.body, path).not.toContain('root:');
      }
    });

    it('refuses a foreign Host header (DNS rebinding)', async () => {
      expect((await raw(port, '/', { headers: { host: `evil.example:${port}` } })).status).toBe(403);
      expect((await raw(port, '/', { headers: { host: `localhost:${port}` } })).status).toBe(200);
    });
  });

  describe('POST /api/invoke/<name>', () => {
    it('dispatches the request with its JSON body and answers with the envelope', async () => {
      const res = await raw(port, '/api/invoke/uploads.pause', { method: 'POST', headers: apiHeaders({ origin: server.origin }), body: JSON.stringify({ id: 'u1' }) });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.parse(res.body)).toEqual({ ok: true, value: { echo: 'uploads.pause', payload: { id: 'u1' } } });
      expect(app.calls).toEqual([{ name: 'uploads.pause', payload: { id: 'u1' } }]);
    });

    it('passes an empty body as no payload', async () => {
      const res = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders() });
      expect(JSON.parse(res.body)).toEqual({ ok: true, value: { echo: 'app.info', payload: null } });
      expect(app.calls).toEqual([{ name: 'app.info', payload: undefined }]);
    });

    it('refuses a missing or wrong token with 401 and never dispatches', async () => {
      const missing = await raw(port, '/api/invoke/app.info', { method: 'POST', body: '{}' });
      expect(missing.status).toBe(401);
      expect(JSON.parse(missing.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const wrong = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: { 'x-hoist-token': 'wrong' }, body: '{}' });
      expect(wrong.status).toBe(401);
      const inQuery = await raw(port, `/api/invoke/app.info?token=${token}`, { method: 'POST', body: '{}' });
      expect(inQuery.status).toBe(401);
      expect(app.calls).toEqual([]);
    });

    it('refuses a foreign Origin or Host with 403 even with the token', async () => {
      const origin = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders({ origin: 'http://evil.example' }), body: '{}' });
      expect(origin.status).toBe(403);
      expect(JSON.parse(origin.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      const host = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders({ host: `rebound.example:${port}` }), body: '{}' });
      expect(host.status).toBe(403);
      expect(app.calls).toEqual([]);
    });

    it('accepts localhost as host and origin', async () => {
      const res = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders({ host: `localhost:${port}`, origin: `http://localhost:${port}` }), body: '{}' });
      expect(res.status).toBe(200);
    });

    it('400s invalid JSON with an invalid-payload envelope', async () => {
      const res = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders(), body: '{nope' });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      expect(app.calls).toEqual([]);
    });

    it('413s a body over 1 MiB, declared or streamed', async () => {
      const big = Buffer.alloc(MAX_BODY_BYTES + 1, 0x20);
      const declared = await raw(port, '/api/invoke/app.info', { method: 'POST', headers: apiHeaders(), body: big });
      expect(declared.status).toBe(413);
      expect(JSON.parse(declared.body)).toMatchObject({ ok: false, error: { code: 'invalid-payload' } });
      const chunked = await new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/api/invoke/app.info', method: 'POST', headers: { ...apiHeaders(), 'transfer-encoding': 'chunked' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        for (let sent = 0; sent <= MAX_BODY_BYTES; sent += 64 * 1024) req.write(Buffer.alloc(64 * 1024, 0x20));
        req.end();
      });
      expect(chunked).toBe(413);
      expect(app.calls).toEqual([]);
    });

    it('hands unknown names to the app (it answers unknown-channel) and decodes the name', async () => {
      await raw(port, '/api/invoke/no.such%20thing', { method: 'POST', headers: apiHeaders(), body: '{}' });
      expect(app.calls).toEqual([{ name: 'no.such thing', payload: {} }]);
    });

    it('405s a GET, 404s other API paths', async () => {
      expect((await raw(port, '/api/invoke/app.info', { headers: apiHeaders() })).status).toBe(405);
      expect((await raw(port, '/api/other', { method: 'POST', headers: apiHeaders() })).status).toBe(404);
      expect((await raw(port, '/api/invoke/', { method: 'POST', headers: apiHeaders() })).status).toBe(404);
    });

    it('answers 500 with a failed envelope when dispatch throws', async () => {
      const res = await raw(port, '/api/invoke/boom', { method: 'POST', headers: apiHeaders(), body: '{}' });
      expect(res.status).toBe(500);
      expect(JSON.parse(res.body)).toEqual({ ok: false, error: { code: 'failed', message: 'internal error' } });
    });
  });

  describe('GET /api/events', () => {
    it('streams every app event as one data line, with heartbeats, and unsubscribes on hang-up', async () => {
      const stream = await openStream(port, `/api/events?token=${encodeURIComponent(token)}`);
      expect(stream.status).toBe(200);
      expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
      expect(stream.headers['cache-control']).toBe('no-store');
      await waitUntil(() => app.listeners.size === 1);
      app.emit('uploads.removed', { ids: ['a', 'b'] });
      app.emit('notice', { level: 'info', message: 'two\nlines' });
      await stream.waitFor('"notice"');
      const dataLines = stream.text().split('\n').filter((line) => line.startsWith('data: '));
      expect(dataLines.map((line) => JSON.parse(line.slice('data: '.length)))).toEqual([
        { event: 'uploads.removed', payload: { ids: ['a', 'b'] } },
        { event: 'notice', payload: { level: 'info', message: 'two\nlines' } },
      ]);
      expect(stream.text()).toMatch(/data: [^\n]+\n\n/);
      await stream.waitFor(': heartbeat\n\n');
      stream.close();
      await waitUntil(() => app.listeners.size === 0);
    });

    it('events racing a hang-up are dropped quietly', async () => {
      const stream = await openStream(port, `/api/events?token=${token}`);
      await waitUntil(() => app.listeners.size === 1);
      stream.close();
      for (let i = 0; i < 200; i += 1) app.emit('uploads.removed', { ids: [String(i)] });
      await waitUntil(() => app.listeners.size === 0);
      app.emit('uploads.removed', { ids: ['late'] });
      await new Promise((r) => setTimeout(r, 50));
    });

    it('accepts its own origin, refuses a missing token (401), a wrong origin or host (403)', async () => {
      const own = await openStream(port, `/api/events?token=${token}`, { origin: server.origin });
      expect(own.status).toBe(200);
      own.close();
      expect((await raw(port, '/api/events')).status).toBe(401);
      expect((await raw(port, '/api/events?token=nope')).status).toBe(401);
      expect((await raw(port, '/api/events', { headers: { 'x-hoist-token': token } })).status).toBe(401);
      expect((await raw(port, `/api/events?token=${token}`, { headers: { origin: 'http://evil.example' } })).status).toBe(403);
      expect((await raw(port, `/api/events?token=${token}`, { headers: { host: `evil.example:${port}` } })).status).toBe(403);
      await waitUntil(() => app.listeners.size === 0);
    });
  });
});

describe('startHeadlessServer: lifecycle', () => {
  it('uses the given token and port, refuses a short token, and close() ends open streams and listeners', async () => {
    await expect(startHeadlessServer({ app: new FakeApp(), staticDir, token: 'short' })).rejects.toThrow(/token/);
    const app = new FakeApp();
    const first = await startHeadlessServer({ app, staticDir, token: 'given-token-0123456789' });
    expect(first.token).toBe('given-token-0123456789');
    const stream = await openStream(first.port, '/api/events?token=given-token-0123456789');
    await waitUntil(() => app.listeners.size === 1);
    const closed = first.close();
    // Unsubscribed at once, so an event while the server closes writes nothing.
    expect(app.listeners.size).toBe(0);
    app.emit('notice', { level: 'info', message: 'too late' });
    await closed;
    await stream.ended;
    expect(stream.text()).not.toContain('too late');
    await first.close();

    const again = await startHeadlessServer({ app, staticDir, port: first.port });
    expect(again.port).toBe(first.port);
    await again.close();
  });

  it('says the UI is not built when the static directory is missing', async () => {
    const server = await startHeadlessServer({ app: new FakeApp(), staticDir: join(dir, 'not-built') });
    try {
      const res = await raw(server.port, '/');
      expect(res.status).toBe(503);
      expect(res.body).toMatch(/not built/);
    } finally {
      await server.close();
    }
  });
});
