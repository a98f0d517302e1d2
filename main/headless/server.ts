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
  /** What a hostile or broken client may hold (see SERVER_LIMITS); tests shorten them. */
  limits?: Partial<ServerLimits>;
  log?: (message: string) => void;
}

/**
 * A page needs a handful of connections (its event stream and a few requests
 * in flight; browsers open at most six per host). Anything else on this
 * machine that connects gets no more than these: the headers within 10 s, the
 * whole request within 30 s (an event stream's response may last, its request
 * does not), and at most 32 connections at once, so slow or idle sockets
 * cannot pile up. Bodies over MAX_BODY_BYTES and refused requests are answered
 * and the connection closed at once, never read to the end.
 */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnections: number;
}

export const SERVER_LIMITS: ServerLimits = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, maxConnections: 32 };

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
      // Not read: whoever was refused gets the answer and the connection closes, whatever body was still coming.
      return sendJson(res, decision.status, errorEnvelope(decision.code, decision.message), { Connection: 'close' }, () => req.destroy());
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

  const limits = { ...SERVER_LIMITS, ...options.limits };
  // Node checks the timeouts on this interval (30 s unless told): often enough that they mean what they say.
  const server = createServer({ connectionsCheckingInterval: Math.min(1000, Math.ceil(limits.headersTimeoutMs / 4)) }, (req, res) => {
    handle(req, res).catch((error: unknown) => {
      // The path only: the event stream's query holds the token, which never goes to a log. One line, no stack.
      log(`headless server: ${req.method} ${pathOnly(req.url)}: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) sendJson(res, 500, errorEnvelope('failed', 'internal error'));
      else res.destroy();
    });
  });
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
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

/** A request target without its query string (which may carry the token). */
export function pathOnly(target: string | undefined): string {
  const path = (target ?? '/').split('?')[0] ?? '/';
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
