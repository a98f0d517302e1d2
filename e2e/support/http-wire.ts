import type { Socket } from 'node:net';

/**
 * Just enough HTTP/1.1 for the fault proxy to find where each request and
 * response starts and ends on a keep-alive connection (head, then a body
 * framed by Content-Length or chunked encoding), while handing on the exact
 * bytes it read: the proxy never re-encodes a message, so signatures and
 * checksums reach the server as the client made them.
 */

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
/** Buffered bytes above which the socket is paused, so a slow consumer slows the sender (TCP back-pressure). */
const HIGH_WATER = 1024 * 1024;
const MAX_HEAD = 64 * 1024;

/** Pull-style reading of a socket: the proxy asks for a head, a line or some body bytes when it is ready for them. */
export class SocketReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;
  private wake: (() => void) | undefined;

  constructor(private readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered > HIGH_WATER) socket.pause();
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    socket.on('end', end);
    socket.on('close', end);
    socket.on('error', end);
  }

  /** Bytes up to and including the delimiter; undefined when the peer closed first. */
  async readUntil(delimiter: Buffer, limit = MAX_HEAD): Promise<Buffer | undefined> {
    for (;;) {
      const all = this.peekAll();
      const at = all.indexOf(delimiter);
      if (at >= 0) return this.take(at + delimiter.length);
      if (all.length > limit) throw new Error(`no ${JSON.stringify(delimiter.toString())} within ${limit} bytes`);
      if (this.ended) return undefined;
      await this.waitForData();
    }
  }

  /** Between 1 and `max` bytes as soon as any are there; undefined when the peer closed. */
  async readSome(max: number): Promise<Buffer | undefined> {
    while (this.buffered === 0) {
      if (this.ended) return undefined;
      await this.waitForData();
    }
    return this.take(Math.min(max, this.buffered));
  }

  /** Whether the peer closed and everything it sent was read. */
  get finished(): boolean {
    return this.ended && this.buffered === 0;
  }

  private peekAll(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private take(count: number): Buffer {
    const all = this.peekAll();
    const taken = all.subarray(0, count);
    const rest = all.subarray(count);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
    if (this.buffered <= HIGH_WATER && this.socket.isPaused()) this.socket.resume();
    return taken;
  }

  private waitForData(): Promise<void> {
    return new Promise((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export interface MessageHead {
  /** The head exactly as received, final blank line included. */
  raw: Buffer;
  /** Request: method, target, version. Response: version, status, reason. */
  startLine: [string, string, string];
  /** Lower-case names; a repeated header keeps its first value (enough for framing and routing). */
  headers: Map<string, string>;
}

/** Reads the next message head; undefined when the connection closed cleanly between messages. */
export async function readHead(reader: SocketReader): Promise<MessageHead | undefined> {
  const raw = await reader.readUntil(HEAD_END);
  if (!raw) {
    if (reader.finished) return undefined;
    throw new Error('connection closed inside a message head');
  }
  const [first = '', ...lines] = raw.toString('latin1').split('\r\n');
  const space = first.indexOf(' ');
  const second = first.indexOf(' ', space + 1);
  const startLine: [string, string, string] =
    second < 0 ? [first.slice(0, space), first.slice(space + 1), ''] : [first.slice(0, space), first.slice(space + 1, second), first.slice(second + 1)];
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { raw, startLine, headers };
}

export type BodyFraming = { kind: 'none' } | { kind: 'length'; length: number } | { kind: 'chunked' } | { kind: 'until-close' };

/** How a request's body is delimited (RFC 9112 §6.3, the cases a client sends). */
export function requestFraming(head: MessageHead): BodyFraming {
  if (/\bchunked\b/i.test(head.headers.get('transfer-encoding') ?? '')) return { kind: 'chunked' };
  const length = Number(head.headers.get('content-length') ?? 0);
  return length > 0 ? { kind: 'length', length } : { kind: 'none' };
}

/** How a response's body is delimited; it depends on the request's method too (a HEAD answer has none). */
export function responseFraming(head: MessageHead, requestMethod: string): BodyFraming {
  const status = Number(head.startLine[1]);
  if (requestMethod === 'HEAD' || (status >= 100 && status < 200) || status === 204 || status === 304) return { kind: 'none' };
  if (/\bchunked\b/i.test(head.headers.get('transfer-encoding') ?? '')) return { kind: 'chunked' };
  if (head.headers.has('content-length')) {
    const length = Number(head.headers.get('content-length'));
    return length > 0 ? { kind: 'length', length } : { kind: 'none' };
  }
  return { kind: 'until-close' };
}

/**
 * The body's wire bytes in pieces of at most `max` (chunk-size lines and
 * trailers included for chunked bodies), and how many of them are payload.
 * Throws when the connection closes before the body ends.
 */
export async function* bodyPieces(reader: SocketReader, framing: BodyFraming, max = 64 * 1024): AsyncGenerator<{ wire: Buffer; payload: number }> {
  if (framing.kind === 'none') return;
  if (framing.kind === 'length' || framing.kind === 'until-close') {
    let left = framing.kind === 'length' ? framing.length : Infinity;
    while (left > 0) {
      const piece = await reader.readSome(Math.min(max, left));
      if (!piece) {
        if (framing.kind === 'until-close') return;
        throw new Error(`connection closed with ${left} body bytes missing`);
      }
      left -= piece.length;
      yield { wire: piece, payload: piece.length };
    }
    return;
  }
  for (;;) {
    const sizeLine = await reader.readUntil(CRLF);
    if (!sizeLine) throw new Error('connection closed inside a chunked body');
    const size = parseInt(sizeLine.toString('latin1'), 16);
    if (!Number.isFinite(size)) throw new Error(`bad chunk size line ${JSON.stringify(sizeLine.toString('latin1'))}`);
    yield { wire: sizeLine, payload: 0 };
    if (size === 0) {
      // Trailer lines, then the blank line that ends the message.
      for (;;) {
        const line = await reader.readUntil(CRLF);
        if (!line) throw new Error('connection closed inside a chunked trailer');
        yield { wire: line, payload: 0 };
        if (line.length === CRLF.length) return;
      }
    }
    let left = size;
    while (left > 0) {
      const piece = await reader.readSome(Math.min(max, left));
      if (!piece) throw new Error('connection closed inside a chunk');
      left -= piece.length;
      yield { wire: piece, payload: piece.length };
    }
    const end = await reader.readUntil(CRLF);
    if (!end) throw new Error('connection closed after a chunk');
    yield { wire: end, payload: 0 };
  }
}

/** Writes, waiting for the socket to drain when its buffer is full (back-pressure to the sender). */
export async function writeAll(socket: Socket, bytes: Buffer): Promise<void> {
  if (socket.destroyed) throw new Error('socket closed');
  if (socket.write(bytes)) return;
  await new Promise<void>((resolve, reject) => {
    const done = (): void => {
      socket.off('drain', done);
      socket.off('close', closed);
      resolve();
    };
    const closed = (): void => {
      socket.off('drain', done);
      reject(new Error('socket closed'));
    };
    socket.on('drain', done);
    socket.once('close', closed);
  });
}
