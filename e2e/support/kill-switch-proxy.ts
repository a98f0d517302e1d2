// A TCP relay between Hoist and the real S3 server that SIGKILLs the Hoist
// process at a moment only the wire can see: with part bytes flowing, with
// CompleteMultipartUpload half sent, or with it fully sent and its answer not
// yet back. Bytes are relayed untouched; nothing is answered or invented, so
// every request the server sees is a real one.
import type { ChildProcess } from 'node:child_process';
import { createConnection, createServer } from 'node:net';
import type { AddressInfo, Server, Socket } from 'node:net';

export type KillTrigger =
  /** Once this many bytes went from Hoist to the server (all connections): parts are on the wire. */
  | { kind: 'after-bytes'; bytes: number }
  /** When the Complete request's body starts: the server gets half a request and completes nothing. */
  | { kind: 'complete-cut' }
  /** Once the whole Complete request went to the server, before any answer reaches Hoist: the server finishes it. */
  | { kind: 'complete-unanswered' };

const COMPLETE_START = '<CompleteMultipartUpload';
const COMPLETE_END = '</CompleteMultipartUpload>';
/** How long the server is given to finish a Complete whose client was killed. */
const FINISH_MS = 20_000;

interface Armed {
  trigger: KillTrigger;
  victim: ChildProcess;
  fired: (killed: boolean) => void;
}

export class KillSwitchProxy {
  private armed: Armed | undefined;
  private sent = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly endpoint: string,
  ) {}

  static async start(upstream: string): Promise<KillSwitchProxy> {
    const target = new URL(upstream);
    const holder: { proxy?: KillSwitchProxy } = {};
    const server = createServer((client) => holder.proxy?.relay(client, { host: target.hostname, port: Number(target.port || 80) }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.proxy = new KillSwitchProxy(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.proxy;
  }

  /** Kills `victim` (once) when the trigger happens; resolves true then, false if the victim ended first. */
  arm(trigger: KillTrigger, victim: ChildProcess): Promise<boolean> {
    this.sent = 0;
    return new Promise<boolean>((resolve) => {
      this.armed = { trigger, victim, fired: resolve };
      victim.once('exit', () => this.disarm(false));
    });
  }

  private disarm(killed: boolean): void {
    const armed = this.armed;
    this.armed = undefined;
    armed?.fired(killed);
  }

  private fire(): void {
    const armed = this.armed;
    if (!armed) return;
    armed.victim.kill('SIGKILL');
    this.disarm(true);
  }

  private relay(client: Socket, target: { host: string; port: number }): void {
    const upstream = createConnection(target);
    this.track(client);
    this.track(upstream);
    // The last bytes seen, so a marker split across two chunks is still found.
    let tail = '';
    let letServerFinish = false;
    client.on('data', (chunk: Buffer) => {
      const trigger = this.armed?.trigger;
      const text = tail + chunk.toString('latin1');
      tail = text.slice(-64);
      if (trigger?.kind === 'after-bytes' && this.sent + chunk.length >= trigger.bytes) {
        this.fire();
        upstream.destroy();
        return;
      }
      if (trigger?.kind === 'complete-cut' && text.includes(COMPLETE_START)) {
        // The head and a few bytes of the body reach the server, never the rest.
        const cut = Math.max(0, text.indexOf(COMPLETE_START) + 10 - (text.length - chunk.length));
        upstream.write(chunk.subarray(0, cut));
        this.fire();
        upstream.destroy();
        return;
      }
      this.sent += chunk.length;
      upstream.write(chunk);
      if (trigger?.kind === 'complete-unanswered' && text.includes(COMPLETE_END)) {
        letServerFinish = true;
        this.fire();
      }
    });
    upstream.on('data', (chunk: Buffer) => {
      if (!letServerFinish) client.write(chunk);
      // The server's answer to the Complete nobody hears any more: it is done.
      else if (/<\/CompleteMultipartUploadResult>|<\/Error>/.test(chunk.toString('latin1'))) upstream.destroy();
    });
    client.on('close', () => {
      if (!letServerFinish) upstream.destroy();
      else setTimeout(() => upstream.destroy(), FINISH_MS).unref();
    });
    upstream.on('close', () => client.destroy());
    client.on('error', () => undefined);
    upstream.on('error', () => client.destroy());
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }

  async stop(): Promise<void> {
    this.disarm(false);
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
