import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { resolve } from 'node:path';
import type { Envelope } from '../../shared/ipc-contract.ts';
import { openEventStream } from './event-stream.ts';
import type { OpenStreams } from './event-stream.ts';
import { errorEnvelope, sendJson, sendText } from './http-responses.ts';
import { invokeRequest } from './invoke-request.ts';
import { guardApiRequest, headerValue, isAllowedHost } from './request-guard.ts';
import { serveStatic } from './static-files.ts';

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
 *
 * This file routes requests and owns the server's life (listen, close); the
 * routes are static-files.ts, invoke-request.ts and event-stream.ts.
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

const DEFAULT_HEARTBEAT_MS = 15_000;

export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  if (token.length < 16) throw new Error('the headless token must be at least 16 characters');
  const staticDir = resolve(options.staticDir);
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const log = options.log ?? (() => undefined);
  /** Open event streams: each one's clean-up, and its response. */
  const streams: OpenStreams = new Map();
  const sockets = new Set<Socket>();
  let port = 0;

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
    if (pathname !== '/api' && !pathname.startsWith('/api/')) return serveStatic(req, res, staticDir, pathname);

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
    if (isEvents) return openEventStream(req, res, options.app, heartbeatMs, streams);
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
    return invokeRequest(req, res, options.app, decodedName);
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
