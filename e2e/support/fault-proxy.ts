import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

/** What the proxy does with one client connection. */
export type ConnectionFault =
  | { kind: 'forward' }
  /** Accepts the request bytes and never answers: a stalled connection. */
  | { kind: 'stall' }
  /** Forwards, then resets the connection after this many request bytes. */
  | { kind: 'reset-after'; bytes: number };

/**
 * A TCP proxy between Hoist and the real S3 server that injects faults per
 * connection, so the network failures are real sockets misbehaving, not mocks.
 */
export class FaultProxy {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(upstream: string, decide: (index: number) => ConnectionFault): Promise<FaultProxy> {
    const target = new URL(upstream);
    const port = Number(target.port || (target.protocol === 'https:' ? 443 : 80));
    const holder: { proxy?: FaultProxy } = {};
    const server = createServer((client) => {
      const proxy = holder.proxy;
      if (!proxy) return;
      const fault = decide(proxy.connections);
      proxy.connections += 1;
      proxy.track(client);
      if (fault.kind === 'stall') {
        client.on('data', () => undefined);
        client.on('error', () => undefined);
        return;
      }
      const upstreamSocket = createConnection({ host: target.hostname, port });
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
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new FaultProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.proxy;
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
