import { connect } from 'node:net';
import type { Socket } from 'node:net';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/ipc-contract.ts';
import { pathOnly, SERVER_LIMITS, startHeadlessServer } from './server.ts';
import type { HeadlessServer } from './server.ts';

// What a hostile or broken local client can hold of the headless server
// (issue 15, point 4): big bodies and refused requests are answered and the
// connection closed without reading on; slow headers time out; connections are capped.

const app = {
  calls: 0,
  async dispatch(): Promise<Envelope<unknown>> {
    this.calls += 1;
    return { ok: true, value: null };
  },
  on: () => () => undefined,
};

let dir: string;
let server: HeadlessServer;
const LIMITS = { headersTimeoutMs: 400, requestTimeoutMs: 1500, maxConnections: 4 };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'hoist-limits-'));
  await writeFile(join(dir, 'index.html'), '<!doctype html>');
  server = await startHeadlessServer({ app, staticDir: dir, limits: LIMITS });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

/** A raw connection: what came back, and when the server closed it (ms after opening), or never within `withinMs`. */
function rawConnection(): { socket: Socket; received: () => string; closedAfter: (withinMs: number) => Promise<number | undefined> } {
  const opened = Date.now();
  const socket = connect({ host: '127.0.0.1', port: server.port });
  let text = '';
  let closedAt: number | undefined;
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => (text += chunk));
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.on('close', () => ((closedAt = Date.now() - opened), resolve())));
  return {
    socket,
    received: () => text,
    closedAfter: async (withinMs) => {
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, withinMs))]);
      return closedAt;
    },
  };
}

const head = (lines: string[]) => `${lines.join('\r\n')}\r\n\r\n`;

describe('headless server limits', () => {
  it('a body declared over 1 MiB gets its 413 at once and the connection closes without the body being read', async () => {
    const c = rawConnection();
    c.socket.write(head(['POST /api/invoke/app.info HTTP/1.1', `Host: 127.0.0.1:${server.port}`, `x-hoist-token: ${server.token}`, 'Content-Type: application/json', `Content-Length: ${50 * 1024 * 1024}`]));
    c.socket.write(Buffer.alloc(64 * 1024, 0x20));

    expect(await c.closedAfter(2000)).toBeLessThan(2000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 413 /);
    expect(app.calls).toBe(0);
  });

  it('a streamed body over 1 MiB is cut at the limit', async () => {
    const c = rawConnection();
    c.socket.write(head(['POST /api/invoke/app.info HTTP/1.1', `Host: 127.0.0.1:${server.port}`, `x-hoist-token: ${server.token}`, 'Transfer-Encoding: chunked']));
    const chunk = Buffer.alloc(256 * 1024, 0x20);
    for (let i = 0; i < 5; i += 1) c.socket.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);

    expect(await c.closedAfter(2000)).toBeLessThan(2000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a refused request (no token) is answered and closed while its body is still trickling in', async () => {
    const c = rawConnection();
    c.socket.write(head(['POST /api/invoke/app.info HTTP/1.1', `Host: 127.0.0.1:${server.port}`, 'Content-Length: 1000']));
    c.socket.write('{');

    expect(await c.closedAfter(1000)).toBeLessThan(1000);
    expect(c.received()).toMatch(/^HTTP\/1\.1 401 /);
  });

  it('headers that never end are cut after the headers timeout', async () => {
    const c = rawConnection();
    c.socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: `);

    const closed = await c.closedAfter(5000);
    expect(closed).toBeGreaterThanOrEqual(LIMITS.headersTimeoutMs - 50);
    expect(closed).toBeLessThan(5000);
  });

  it('holds at most maxConnections connections: the ones over are closed at once', async () => {
    const held = Array.from({ length: LIMITS.maxConnections }, () => rawConnection());
    await new Promise((resolve) => setTimeout(resolve, 100));
    const over = [rawConnection(), rawConnection()];

    for (const c of over) expect(await c.closedAfter(1000)).toBeLessThan(1000);
    for (const c of held) {
      expect(c.socket.destroyed).toBe(false);
      c.socket.destroy();
    }
    // Room again once they are gone.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const again = rawConnection();
    again.socket.write(head(['GET / HTTP/1.1', `Host: 127.0.0.1:${server.port}`, 'Connection: close']));
    await again.closedAfter(2000);
    expect(again.received()).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('defaults: 10 s for headers, 30 s for a request, 32 connections', () => {
    expect(SERVER_LIMITS).toEqual({ headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 32 });
  });

  it('never logs a query string (the event stream’s carries the token)', () => {
    expect(pathOnly('/api/events?token=secret-token-value')).toBe('/api/events');
    expect(pathOnly(undefined)).toBe('/');
  });
});
