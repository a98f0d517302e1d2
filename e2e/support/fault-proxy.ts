import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { serveHttpConnection } from './http-fault-session.ts';
import type { InjectedFault, ProxiedRequest, RequestFault, SessionContext } from './http-fault-session.ts';

export type { InjectedFault, ProxiedRequest, RequestFault } from './http-fault-session.ts';

/** What the proxy does with one client connection. */
export type ConnectionFault =
  | { kind: 'forward' }
  /** Accepts the request bytes and never answers: a stalled connection. */
  | { kind: 'stall' }
  /** Forwards, then resets the connection after this many request bytes. */
  | { kind: 'reset-after'; bytes: number };

export interface HttpProxyOptions {
  /** Caps the body bytes through the proxy, both directions and all connections together. */
  bytesPerSecond?: number;
}

/**
 * A proxy between Hoist and the real S3 server that injects faults, so the
 * network and server failures are real sockets misbehaving, not mocks. Two
 * modes: `start` decides per TCP connection and moves bytes blindly; `startHttp`
 * parses the HTTP/1.1 exchanges on each keep-alive connection and decides per
 * request (cut a body, answer an S3 error itself, hold or drop the server's
 * answer, stall), optionally over a link of limited bandwidth.
 */
export class FaultProxy {
  connections = 0;
  /** Every request seen (HTTP mode only). */
  readonly requests: ProxiedRequest[] = [];
  /** Every request given a fault other than 'forward' (HTTP mode only). */
  readonly faults: InjectedFault[] = [];
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static start(upstream: string, decide: (index: number) => ConnectionFault): Promise<FaultProxy> {
    const target = upstreamAddress(upstream);
    return FaultProxy.listen((proxy, client, index) => {
      const fault = decide(index);
      if (fault.kind === 'stall') {
        client.on('data', () => undefined);
        client.on('error', () => undefined);
        return;
      }
      const upstreamSocket = createConnection(target);
      proxy.track(upstreamSocket);
      let forwarded = 0;
      client.on('data', (chunk: Buffer) => {
        forwarded += chunk.length;
        if (fault.kind === 'reset-after' && forwarded > fault.bytes) {
          client.resetAndDestroy();
          upstreamSocket.destroy();
          return;
        }
        upstreamSocket.write(chunk);
      });
      upstreamSocket.on('data', (chunk: Buffer) => client.write(chunk));
      client.on('close', () => upstreamSocket.destroy());
      upstreamSocket.on('close', () => client.destroy());
      client.on('error', () => upstreamSocket.destroy());
      upstreamSocket.on('error', () => client.destroy());
    });
  }

  static startHttp(upstream: string, decide: (request: ProxiedRequest) => RequestFault, options: HttpProxyOptions = {}): Promise<FaultProxy> {
    const target = upstreamAddress(upstream);
    const throttle = options.bytesPerSecond ? pacer(options.bytesPerSecond) : () => Promise.resolve();
    let context: SessionContext | undefined;
    return FaultProxy.listen((proxy, client, index) => {
      context ??= { upstream: target, decide, throttle, requests: proxy.requests, faults: proxy.faults, track: (socket) => proxy.track(socket) };
      client.on('error', () => undefined);
      void serveHttpConnection(client, index, context);
    });
  }

  private static async listen(onConnection: (proxy: FaultProxy, client: Socket, index: number) => void): Promise<FaultProxy> {
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((client) => {
      const proxy = holder.proxy;
      if (!proxy) return;
      const index = proxy.connections;
      proxy.connections += 1;
      proxy.track(client);
      onConnection(proxy, client, index);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.proxy;
  }

  /** Requests of one S3 operation seen so far (HTTP mode). */
  requestsOf(operation: string): ProxiedRequest[] {
    return this.requests.filter((request) => request.operation === operation);
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  async stop(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

function upstreamAddress(upstream: string): { host: string; port: number } {
  const target = new URL(upstream);
  return { host: target.hostname, port: Number(target.port || (target.protocol === 'https:' ? 443 : 80)) };
}

/**
 * A shared link of fixed bandwidth: each piece of body reserves the next slot
 * of time its size needs, and is let through when that slot ends. Pieces are
 * small (16 KiB), so bytes move steadily and no socket looks stalled.
 */
function pacer(bytesPerSecond: number): (bytes: number) => Promise<void> {
  let nextFree = performance.now();
  return async (bytes) => {
    const now = performance.now();
    nextFree = Math.max(nextFree, now) + (bytes * 1000) / bytesPerSecond;
    const wait = nextFree - now;
    if (wait >= 1) await sleep(wait);
  };
}
