import { createConnection } from 'node:net';
import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { bodyPieces, readHead, requestFraming, responseFraming, SocketReader, writeAll } from './http-wire.ts';
import type { MessageHead } from './http-wire.ts';
import { s3ErrorResponse, s3Operation } from './s3-wire.ts';
import type { S3ErrorAnswer } from './s3-wire.ts';

/** One request the proxy saw, as the fault plan gets to judge it. */
export interface ProxiedRequest {
  /** Position among all requests through the proxy, from 0. */
  index: number;
  /** Which client connection carried it (a keep-alive connection carries many). */
  connection: number;
  method: string;
  target: string;
  /** The S3 operation, e.g. "UploadPart" (see s3Operation). */
  operation: string;
  headers: ReadonlyMap<string, string>;
  /** Content-Length of the body; -1 for a chunked body. */
  bodyLength: number;
}

/** What the proxy does with one request. */
export type RequestFault =
  | { kind: 'forward' }
  /** Forwards the head and this many body bytes, then resets both connections (no body: reset before forwarding). */
  | { kind: 'reset'; afterBodyBytes: number }
  /** Reads the whole request and answers this S3 error itself; the server never sees it. */
  | ({ kind: 'answer' } & S3ErrorAnswer)
  /** Forwards, and holds the server's answer this long before passing it on. */
  | { kind: 'delay'; ms: number }
  /** Reads the whole request and never answers. */
  | { kind: 'stall' }
  /** Forwards, reads the server's whole answer, then closes the client's connection without sending it. */
  | { kind: 'drop-response' };

export interface InjectedFault {
  request: Omit<ProxiedRequest, 'headers'>;
  fault: RequestFault;
  /** For a dropped answer: the status the server had given (200: the server did the work). */
  upstreamStatus?: number;
}

/** State shared by every connection of one proxy. */
export interface SessionContext {
  upstream: { host: string; port: number };
  decide: (request: ProxiedRequest) => RequestFault;
  /** Paces body bytes in both directions (a shared link of limited bandwidth). */
  throttle: (bytes: number) => Promise<void>;
  requests: ProxiedRequest[];
  faults: InjectedFault[];
  track: (socket: Socket) => void;
}

/** Ends the handling of a connection after a fault that closed it on purpose. */
class ConnectionEnded extends Error {}

/**
 * Serves one client connection request by request: each request's head is
 * parsed, the fault plan decides its fate, and the exchange with the server
 * (over one upstream connection per client connection, opened when first
 * needed) is relayed, cut or replaced accordingly.
 */
export async function serveHttpConnection(client: Socket, connection: number, ctx: SessionContext): Promise<void> {
  const reader = new SocketReader(client);
  let upstream: { socket: Socket; reader: SocketReader } | undefined;
  let idle = true;
  const openUpstream = (): { socket: Socket; reader: SocketReader } => {
    if (upstream && !upstream.socket.destroyed) return upstream;
    const socket = createConnection(ctx.upstream);
    ctx.track(socket);
    // The server closing an idle keep-alive connection: close the client's too, so it does not send into a dead end.
    socket.on('close', () => {
      if (idle) client.end();
    });
    upstream = { socket, reader: new SocketReader(socket) };
    return upstream;
  };
  try {
    for (;;) {
      idle = true;
      const head = await readHead(reader);
      if (!head) break;
      idle = false;
      const request = describeRequest(head, ctx.requests.length, connection);
      ctx.requests.push(request);
      const fault = ctx.decide(request);
      const injected: InjectedFault | undefined = fault.kind === 'forward' ? undefined : { request: withoutHeaders(request), fault };
      if (injected) ctx.faults.push(injected);
      const keepOpen = await handle(fault, head, request, { client, reader, openUpstream, ctx, injected });
      if (!keepOpen) break;
    }
  } catch (error) {
    if (!(error instanceof ConnectionEnded)) client.destroy();
  } finally {
    upstream?.socket.destroy();
    if (!client.destroyed) client.end();
  }
}

interface Exchange {
  client: Socket;
  reader: SocketReader;
  openUpstream: () => { socket: Socket; reader: SocketReader };
  ctx: SessionContext;
  injected: InjectedFault | undefined;
}

/** Handles one request; false when the connection is over. */
async function handle(fault: RequestFault, head: MessageHead, request: ProxiedRequest, exchange: Exchange): Promise<boolean> {
  const { client, reader } = exchange;
  switch (fault.kind) {
    case 'answer': {
      await drainBody(reader, head);
      await writeAll(client, s3ErrorResponse(fault, request.method, request.target));
      return fault.close !== true;
    }
    case 'stall': {
      await drainBody(reader, head);
      // Take whatever else comes and say nothing, until the client gives up.
      let more: Buffer | undefined;
      do more = await reader.readSome(64 * 1024);
      while (more);
      return false;
    }
    case 'reset':
      if (request.bodyLength >= 0 && request.bodyLength <= fault.afterBodyBytes) {
        await drainBody(reader, head);
        client.resetAndDestroy();
        throw new ConnectionEnded();
      }
      return forward(head, request, fault, exchange);
    default:
      return forward(head, request, fault, exchange);
  }
}

async function forward(head: MessageHead, request: ProxiedRequest, fault: RequestFault, exchange: Exchange): Promise<boolean> {
  const upstream = exchange.openUpstream();
  try {
    await writeAll(upstream.socket, head.raw);
    const [, upstreamOpen] = await Promise.all([sendBody(head, fault, exchange, upstream.socket), relayAnswer(request, fault, exchange, upstream.reader)]);
    return upstreamOpen;
  } catch (error) {
    upstream.socket.destroy();
    throw error;
  }
}

async function sendBody(head: MessageHead, fault: RequestFault, exchange: Exchange, upstream: Socket): Promise<void> {
  const limit = fault.kind === 'reset' ? fault.afterBodyBytes : Infinity;
  let sent = 0;
  for await (const piece of bodyPieces(exchange.reader, requestFraming(head), 16 * 1024)) {
    await exchange.ctx.throttle(piece.wire.length);
    if (sent + piece.payload > limit) {
      await writeAll(upstream, piece.wire.subarray(0, limit - sent));
      // Cut mid-body: the client sees a reset, the server a request that never ends.
      exchange.client.resetAndDestroy();
      upstream.destroy();
      throw new ConnectionEnded();
    }
    sent += piece.payload;
    await writeAll(upstream, piece.wire);
  }
}

/** Relays the server's answer (interim 1xx heads, then the final one and its body); returns whether the server keeps the connection open. */
async function relayAnswer(request: ProxiedRequest, fault: RequestFault, exchange: Exchange, upstream: SocketReader): Promise<boolean> {
  const { client, ctx } = exchange;
  for (;;) {
    const head = await readHead(upstream);
    if (!head) throw new Error('the server closed the connection without answering');
    const status = Number(head.startLine[1]);
    if (status >= 100 && status < 200) {
      await writeAll(client, head.raw);
      continue;
    }
    const framing = responseFraming(head, request.method);
    if (fault.kind === 'drop-response') {
      for await (const _piece of bodyPieces(upstream, framing)) void _piece;
      if (exchange.injected) exchange.injected.upstreamStatus = status;
      // The server did the work; the client never hears of it.
      client.destroy();
      throw new ConnectionEnded();
    }
    if (fault.kind === 'delay') await sleep(fault.ms);
    await writeAll(client, head.raw);
    for await (const piece of bodyPieces(upstream, framing, 16 * 1024)) {
      await ctx.throttle(piece.wire.length);
      await writeAll(client, piece.wire);
    }
    const closing = framing.kind === 'until-close' || /close/i.test(head.headers.get('connection') ?? '');
    return !closing;
  }
}

/** Reads a request's body to its end without sending it anywhere. */
async function drainBody(reader: SocketReader, head: MessageHead): Promise<void> {
  for await (const _piece of bodyPieces(reader, requestFraming(head))) void _piece;
}

function describeRequest(head: MessageHead, index: number, connection: number): ProxiedRequest {
  const [method, target] = head.startLine;
  const framing = requestFraming(head);
  return {
    index,
    connection,
    method,
    target,
    operation: s3Operation(method, target, head.headers),
    headers: head.headers,
    bodyLength: framing.kind === 'length' ? framing.length : framing.kind === 'chunked' ? -1 : 0,
  };
}

function withoutHeaders(request: ProxiedRequest): Omit<ProxiedRequest, 'headers'> {
  const { headers: _headers, ...rest } = request;
  return rest;
}
