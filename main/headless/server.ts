import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import type { Envelope, ErrorCode } from '../../shared/ipc-contract.ts';
import { guardApiRequest, headerValue, isAllowedHost } from './request-guard.ts';

/**
 * The headless web bridge, server side. It serves the renderer's static
 * bundle and carries the same contract the Electron preload carries:
 *
 *   POST /api/invoke/<request name>   body: the request's JSON input,
 *                                     header x-hoist-token: <token>
 *                                     → 200 with the app's Envelope as JSON
 *                                       (an invalid payload or a failure is an
 *                                       Envelope error, not an HTTP error)
 *   GET  /api/events?token=<token>    → text/event-stream; every app event as
 *                                       `data: {"event": name, "payload": …}`
 *
 * The token comes from the URL fragment (`#token=…`) that Hoist prints at
 * start; fragments never reach a server or a Referer. Transport refusals
 * (wrong host, origin or token; bad JSON; too big) are 4xx with an Envelope
 * error body. Loopback only: it binds 127.0.0.1 and nothing else.
 */

/** What the server needs of the app: HoistApp has exactly this shape. */
export interface HeadlessAppApi {
  dispatch(name: unknown, payload: unknown): Promise<Envelope<unknown>>;
  on(listener: (name: string, payload: unknown) => void): () => void;
}

export interface HeadlessServerOptions {
  app: HeadlessAppApi;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** The built renderer (dist/renderer). */
  staticDir: string;
  /** Random (32 bytes, base64url) unless given. */
  token?: string;
  /** Interval of the event stream's comment heartbeat; 15 s. */
  heartbeatMs?: number;
  log?: (message: string) => void;
}

export interface HeadlessServer {
  /** http://127.0.0.1:<port>/#token=<token>: the one URL to open. */
  url: string;
  origin: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
const DEFAULT_HEARTBEAT_MS = 15_000;

export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sent with every response, static or API. */
const SECURITY_HEADERS: OutgoingHttpHeaders = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file a URL path names inside root, or undefined when it would leave
 * root (`..`, encoded or not; a NUL byte; a malformed escape). Lexical only;
 * the caller also checks the real path, so a symlink cannot lead out either.
 */
export function staticPathFor(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || !decoded.startsWith('/')) return undefined;
  const relative = decoded.endsWith('/') ? `${decoded}index.html` : decoded;
  const full = resolve(root, `.${relative}`);
  return isInside(root, full) ? full : undefined;
}

function isInside(root: string, path: string): boolean {
  const base = resolve(root);
  return path.startsWith(base.endsWith(sep) ? base : base + sep);
}

function errorEnvelope(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new Error('the headless token must be at least 16 characters');
  const staticDir = resolve(options.staticDir);
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const log = options.log ?? (() => undefined);
  /** Open event streams: each one's clean-up, and its response. */
  const streams = new Map<() => void, ServerResponse>();
  const sockets = new Set<Socket>();
  let port = 0;

  const send = (res: ServerResponse, status: number, body: string | Buffer, headers: OutgoingHttpHeaders = {}): void => {
    if (res.headersSent) {
      res.end();
      return;
    }
    res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Length': Buffer.byteLength(body), ...headers });
    res.end(body);
  };
  const sendJson = (res: ServerResponse, status: number, value: unknown, headers: OutgoingHttpHeaders = {}): void =>
    send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  const sendText = (res: ServerResponse, status: number, text: string): void => send(res, status, text, { 'Content-Type': 'text/plain; charset=utf-8' });

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendText(res, 405, 'method not allowed');
    const candidate = staticPathFor(staticDir, pathname);
    if (!candidate) return sendText(res, 404, 'not found');
    let file: string;
    let size: number;
    try {
      const realRoot = await realpath(staticDir);
      file = await realpath(candidate);
      if (!isInside(realRoot, file)) return sendText(res, 404, 'not found');
      const info = await stat(file);
      if (!info.isFile()) return sendText(res, 404, 'not found');
      size = info.size;
    } catch (error) {
      if (pathname === '/' && (error as NodeJS.ErrnoException).code === 'ENOENT') {
        return sendText(res, 503, 'The Hoist UI is not built: run `npm start` (or `npx vite build`) and reload.');
      }
      // Browsers ask for it unprompted; "nothing" is not an error worth a console line.
      if (pathname === '/favicon.ico') return send(res, 204, '');
      return sendText(res, 404, 'not found');
    }
    res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': contentTypeFor(file), 'Content-Length': size });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const stream = createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  function readBody(req: IncomingMessage): Promise<{ ok: true; text: string } | { ok: false; tooLarge: true }> {
    return new Promise((resolveBody, rejectBody) => {
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > MAX_BODY_BYTES) {
        req.resume();
        resolveBody({ ok: false, tooLarge: true });
        return;
      }
      const chunks: Buffer[] = [];
      let total = 0;
      let tooLarge = false;
      req.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > MAX_BODY_BYTES) tooLarge = true;
        else chunks.push(chunk);
      });
      req.on('end', () => resolveBody(tooLarge ? { ok: false, tooLarge: true } : { ok: true, text: Buffer.concat(chunks).toString('utf8') }));
      req.on('error', rejectBody);
    });
  }

  async function invoke(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
    if (req.method !== 'POST') return sendJson(res, 405, errorEnvelope('unsupported', 'requests are POSTed'), { Allow: 'POST' });
    const body = await readBody(req);
    if (!body.ok) return sendJson(res, 413, errorEnvelope('invalid-payload', `the request body is larger than ${MAX_BODY_BYTES} bytes`), { Connection: 'close' });
    let payload: unknown = undefined;
    if (body.text.trim() !== '') {
      try {
        payload = JSON.parse(body.text);
      } catch {
        return sendJson(res, 400, errorEnvelope('invalid-payload', 'the request body is not valid JSON'));
      }
    }
    const envelope = await options.app.dispatch(name, payload);
    sendJson(res, 200, envelope);
  }

  function openEventStream(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') return sendJson(res, 405, errorEnvelope('unsupported', 'the event stream is a GET'), { Allow: 'GET' });
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    // Written only while the stream is open: a write after end would be an unhandled 'error'.
    const write = (text: string): void => {
      if (!res.writableEnded && !res.destroyed) res.write(text);
    };
    write('retry: 1000\n: connected\n\n');
    const unsubscribe = options.app.on((name, payload) => write(`data: ${JSON.stringify({ event: name, payload })}\n\n`));
    const heartbeat = setInterval(() => write(': heartbeat\n\n'), heartbeatMs);
    heartbeat.unref();
    let open = true;
    const cleanUp = (): void => {
      if (!open) return;
      open = false;
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(cleanUp);
    };
    streams.set(cleanUp, res);
    res.on('close', cleanUp);
    res.on('error', cleanUp);
    req.on('close', cleanUp);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = headerValue(req.headers.host);
    if (!isAllowedHost(host, port)) return sendText(res, 403, 'this server answers only to 127.0.0.1 and localhost');
    let url: URL;
    try {
      url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    } catch {
      return sendText(res, 400, 'bad request');
    }
    const { pathname } = url;
    if (pathname !== '/api' && !pathname.startsWith('/api/')) return serveStatic(req, res, pathname);

    const isEvents = pathname === '/api/events';
    const decision = guardApiRequest(
      {
        host,
        origin: headerValue(req.headers.origin),
        token: isEvents ? (url.searchParams.get('token') ?? undefined) : headerValue(req.headers['x-hoist-token']),
      },
      { port, token },
    );
    if (!decision.allow) {
      req.resume();
      return sendJson(res, decision.status, errorEnvelope(decision.code, decision.message));
    }
    if (isEvents) return openEventStream(req, res);
    const name = pathname.startsWith('/api/invoke/') ? pathname.slice('/api/invoke/'.length) : undefined;
    if (!name) {
      req.resume();
      return sendJson(res, 404, errorEnvelope('not-found', `no API route ${pathname}`));
    }
    let decodedName: string;
    try {
      decodedName = decodeURIComponent(name);
    } catch {
      return sendJson(res, 400, errorEnvelope('unknown-channel', 'malformed request name'));
    }
    return invoke(req, res, decodedName);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`headless server: ${req.method} ${req.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, errorEnvelope('failed', 'internal error'));
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  server.on('error', (error) => log(`headless server: ${error.message}`));
  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    url: `${origin}/#token=${encodeURIComponent(token)}`,
    origin,
    port,
    token,
    close: () => {
      closing ??= new Promise<void>((resolveClose) => {
        server.close(() => resolveClose());
        for (const [cleanUp, stream] of [...streams]) {
          cleanUp();
          stream.end();
        }
        server.closeIdleConnections();
        // Streams just ended and requests still in flight get a moment; then every socket goes.
        setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 200).unref();
      });
      return closing;
    },
  };
}
